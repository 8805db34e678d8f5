import {
  Inject,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type FactoryProvider,
  type ModuleMetadata,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { FILE_DROPS } from '../connector.tokens';
import { DropFolder } from './drop-folder';
import type { FileDrop } from './file-handler';

/**
 * Runs a `DropFolder` per `FILE_DROPS` entry: from application bootstrap (every module initialised,
 * the submissions state read back) until the module is destroyed, each letting its file in flight
 * finish.
 */
@Injectable()
export class FileDropsLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly folders: readonly DropFolder[];

  constructor(@Inject(FILE_DROPS) drops: readonly FileDrop[]) {
    this.folders = drops.map(
      (drop) => new DropFolder(drop, new Logger(`${DropFolder.name} ${drop.handler.kind}`)),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await Promise.all(this.folders.map((folder) => folder.start()));
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.folders.map((folder) => folder.stop()));
  }
}

/** How the connector makes its drops: the adapters' modules, and a factory over what they provide. */
export interface FileDropsOptions extends Pick<ModuleMetadata, 'imports'> {
  readonly inject?: FactoryProvider['inject'];
  readonly useFactory: (...providers: never[]) => readonly FileDrop[];
}

@Module({})
export class FileDropsModule {
  /**
   * The drop folders of the adapters that are set, e.g.
   * `forDrops({ imports: [CorvModule], inject: [CONNECTOR_SETTINGS, CorvZorgmeldingHandler], useFactory: (settings, corv) => … })`.
   * Importing the adapters' modules makes Nest stop the folders before the handlers they call.
   */
  static forDrops({ imports = [], inject = [], useFactory }: FileDropsOptions): DynamicModule {
    return {
      module: FileDropsModule,
      imports,
      providers: [{ provide: FILE_DROPS, inject, useFactory }, FileDropsLifecycle],
    };
  }
}

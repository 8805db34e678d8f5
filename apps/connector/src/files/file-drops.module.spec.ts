import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScriptedFileHandler } from './fixtures/scripted-file-handler';
import { FileDropsModule } from './file-drops.module';

describe(FileDropsModule.name, () => {
  let directory: string;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'file-drops-'));
  });

  afterEach(() => rm(directory, { recursive: true, force: true }));

  it('watches each drop folder the factory makes from bootstrap until the app closes', async () => {
    const handler = new ScriptedFileHandler();
    await writeFile(join(directory, 'al-daar.xml'), '<zorgmelding/>');
    @Module({
      providers: [{ provide: ScriptedFileHandler, useValue: handler }],
      exports: [ScriptedFileHandler],
    })
    class AdapterModule {}
    const moduleRef = await Test.createTestingModule({
      imports: [
        FileDropsModule.forDrops({
          imports: [AdapterModule],
          inject: [ScriptedFileHandler],
          useFactory: (adapter: ScriptedFileHandler) => [{ directory, handler: adapter }],
        }),
      ],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    await handler.untilCalls(1);
    await app.close();

    expect(handler.names()).toEqual(['al-daar.xml']);
    expect((await readdir(join(directory, 'processed'))).sort()).toEqual([
      expect.stringMatching(/^\d{8}T\d{6}Z-al-daar\.xml$/),
      expect.stringMatching(/^\d{8}T\d{6}Z-al-daar\.xml\.report\.txt$/),
    ]);
  });

  it('makes no folder without drops', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [FileDropsModule.forDrops({ useFactory: () => [] })],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    await app.close();

    expect(await readdir(directory)).toEqual([]);
  });
});

import type { DeliveryWatcher } from './delivery-watcher';
import type { GatewayProcess } from './gateway-process';
import type { GatewayScenario } from './gateway-scenario';

/** A describe block's scenario, gateway and watcher; assigning a gateway or watcher hands it to the cleanup. */
export interface RunningHub {
  scenario: GatewayScenario;
  /** The gateway started last; every gateway ever assigned here is killed, restarted ones too. */
  gateway: GatewayProcess | undefined;
  watcher: DeliveryWatcher | undefined;
}

/**
 * Why this exists: integration specs each repeated the same slots and the same kill-and-stop
 * cleanup; call it once per describe block and it registers that cleanup itself.
 */
export function runningHub(cleanup: 'afterEach' | 'afterAll' = 'afterEach'): RunningHub {
  const gateways: GatewayProcess[] = [];
  let gateway: GatewayProcess | undefined;
  let watcher: DeliveryWatcher | undefined;
  let scenario: GatewayScenario | undefined;

  const hub: RunningHub = {
    get scenario(): GatewayScenario {
      if (!scenario) throw new Error('no scenario yet: assign running.scenario first');
      return scenario;
    },
    set scenario(value: GatewayScenario) {
      scenario = value;
    },
    get gateway(): GatewayProcess | undefined {
      return gateway;
    },
    set gateway(value: GatewayProcess | undefined) {
      gateway = value;
      if (value && !gateways.includes(value)) gateways.push(value);
    },
    get watcher(): DeliveryWatcher | undefined {
      return watcher;
    },
    set watcher(value: DeliveryWatcher | undefined) {
      watcher = value;
    },
  };

  const stopAll = async (): Promise<void> => {
    for (const started of gateways.splice(0)) await started.kill();
    await watcher?.stop();
    gateway = undefined;
    watcher = undefined;
  };
  if (cleanup === 'afterAll') afterAll(stopAll);
  else afterEach(stopAll);
  return hub;
}

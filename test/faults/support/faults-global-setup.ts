// First: the fault suite's own database must be in the environment before integration-env fills in defaults.
import './faults-env';
import setupIntegrationDatabase from '../../support/integration-global-setup';

export default async function setup(): Promise<void> {
  await setupIntegrationDatabase();
}

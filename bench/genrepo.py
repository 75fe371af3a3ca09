#!/usr/bin/env python3
"""Writes a synthetic but realistic Kubernetes manifest repository for benchmarks.

Every application is one multi-document file, apps/<namespace>/<app>.yaml, whose objects
are wired the way a platform team wires them:

    Ingress --routes--> Service (--tls--> Secret) --selects--> Deployment --mounts--> PVC --binds--> PV
    Deployment --envFrom/env/volume--> ConfigMap, Secret; --runs as--> ServiceAccount
    StatefulSet --serviceName--> headless Service; volumeClaimTemplates --> StorageClass
    HorizontalPodAutoscaler --scales--> Deployment; PodDisruptionBudget --> Deployment pods

That is 13 objects per application. A seeded share of applications carries exactly one
deliberate fault; each is written to <out>.faults.json (beside the tree, so no
tool reads it as a manifest) with the file, the object, the
rule id expected to report it and what is wrong, so the corpus doubles as an oracle.

Standard library only:
    python3 bench/genrepo.py --out /tmp/repo-10k --objects 10000 --seed 1
"""
import argparse
import json
import os
import random

OBJECTS_PER_APP = 13
NAMESPACES = ["shop", "search", "identity", "billing", "media", "ledger", "ml", "edge"]
PARTS = ["api", "web", "worker", "cart", "auth", "feed", "quote", "index", "report",
         "sync", "gateway", "profile", "stream", "export", "audit", "pricing"]
IMAGES = ["nginx:1.27.2", "ghcr.io/acme/{app}:v2.4.1", "registry.example.com/{app}:2025.10.3",
          "quay.io/acme/{app}@sha256:" + "0123456789abcdef" * 4]
DATABASES = [("postgres:16.4", 5432, "postgres"), ("redis:7.4.1", 6379, "redis"),
             ("mysql:8.4.2", 3306, "mysql")]
CLASSES = ["standard", "fast-ssd", "regional"]

# (fault id, rule expected to report it, what is wrong)
FAULTS = [
    ("ingress-missing-service", "ingress-service", "an Ingress backend names a Service that does not exist"),
    ("ingress-bad-port", "ingress-service-port", "an Ingress backend port is not a port of its Service"),
    ("service-selects-nothing", "service-no-pods", "a Service selector matches no pod template"),
    ("service-bad-target-port", "service-port-target", "a Service targetPort name is no container port name"),
    ("configmap-missing", "config-ref", "envFrom names a ConfigMap that does not exist"),
    ("secret-key-missing", "config-key", "a secretKeyRef key is not a key of the Secret"),
    ("pvc-missing", "pvc-ref", "a volume claims a PersistentVolumeClaim that does not exist"),
    ("hpa-missing-target", "hpa-target", "an HPA scales a Deployment that does not exist"),
    ("pdb-selects-nothing", "pdb-no-pods", "a PodDisruptionBudget selects no pods"),
    ("statefulset-no-service", "statefulset-service", "a StatefulSet serviceName names no Service"),
    ("probe-bad-port", "probe-port", "a readiness probe names a port the container does not declare"),
    ("restart-never", "restart-policy", "a Deployment template sets restartPolicy: Never"),
    ("selector-mismatch", "selector-mismatch", "a Deployment selector does not match its template labels"),
    ("duplicate-configmap", "duplicate-object", "the ConfigMap is declared twice"),
    ("unknown-storage-class", "storage-class-unknown", "a claim template names an undefined StorageClass"),
    ("duplicate-key", "yaml-duplicate-key", "a mapping repeats the replicas key"),
]


def q(s):
    """A double-quoted YAML string."""
    return json.dumps(s)


class App:
    def __init__(self, rng, index):
        self.index = index
        self.ns = rng.choice(NAMESPACES)
        self.name = f"{rng.choice(PARTS)}-{rng.choice(PARTS)}-{index:06d}"
        self.image = rng.choice(IMAGES).format(app=self.name.rsplit("-", 1)[0])
        self.db_image, self.db_port, self.db_kind = rng.choice(DATABASES)
        self.replicas = rng.choice([2, 3, 4, 6])
        self.port = rng.choice([8080, 8000, 3000, 9090])
        self.storage_class = rng.choice(CLASSES)
        self.size = rng.choice([1, 2, 5, 10, 20])
        self.team = rng.choice(["alpha", "beta", "gamma", "delta"])
        self.fault = None


def labels(app, component, indent):
    pad = " " * indent
    return (f"{pad}app.kubernetes.io/name: {app.name}\n"
            f"{pad}app.kubernetes.io/component: {component}\n"
            f"{pad}app.kubernetes.io/part-of: {app.ns}\n"
            f"{pad}team: {app.team}\n")


def metadata(app, name, component, cluster=False):
    ns = "" if cluster else f"  namespace: {app.ns}\n"
    return (f"metadata:\n  name: {name}\n{ns}  labels:\n{labels(app, component, 4)}"
            f"  annotations:\n    owner: {q(app.team + '@example.com')}\n")


def render(app):
    """The application's documents, with its fault (if any) applied."""
    f = app.fault
    n, ns = app.name, app.ns
    docs = []

    cm_doc = (f"apiVersion: v1\nkind: ConfigMap\n{metadata(app, n + '-config', 'config')}"
              f"data:\n  LOG_LEVEL: info\n  LISTEN_PORT: {q(str(app.port))}\n"
              f"  FEATURE_FLAGS: {q('search,checkout,beta-' + str(app.index % 7))}\n"
              f"  app.properties: |\n    cache.size=512\n    cache.ttl=300s\n    upstream=http://{n}.{ns}.svc:80\n")
    docs.append(cm_doc)
    if f == "duplicate-configmap":
        docs.append(cm_doc)
    docs.append(f"apiVersion: v1\nkind: Secret\n{metadata(app, n + '-db', 'database')}"
                f"type: Opaque\ndata:\n  username: YXBwdXNlcg==\n  password: czNjcjN0LXBhc3N3b3Jk\n"
                f"  url: cG9zdGdyZXM6Ly9kYjo1NDMyL2FwcA==\n")
    docs.append(f"apiVersion: v1\nkind: Secret\n{metadata(app, n + '-tls', 'ingress')}"
                f"type: kubernetes.io/tls\ndata:\n  tls.crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==\n"
                f"  tls.key: LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCg==\n")
    docs.append(f"apiVersion: v1\nkind: ServiceAccount\n{metadata(app, n, 'serviceaccount')}"
                f"automountServiceAccountToken: false\n")

    template_component = "server"
    selector_component = "other" if f == "selector-mismatch" else "server"
    probe_port = "metrics" if f == "probe-bad-port" else "http"
    restart = "      restartPolicy: Never\n" if f == "restart-never" else ""
    env_from = (n + "-settings") if f == "configmap-missing" else (n + "-config")
    secret_key = "passwd" if f == "secret-key-missing" else "password"
    claim = (n + "-cache-old") if f == "pvc-missing" else (n + "-cache")
    replicas = f"  replicas: {app.replicas}\n"
    if f == "duplicate-key":
        replicas += f"  replicas: {app.replicas + 1}\n"
    docs.append(
        f"apiVersion: apps/v1\nkind: Deployment\n{metadata(app, n, 'server')}spec:\n{replicas}"
        f"  revisionHistoryLimit: 5\n"
        f"  selector:\n    matchLabels:\n      app.kubernetes.io/name: {n}\n"
        f"      app.kubernetes.io/component: {selector_component}\n"
        f"  strategy:\n    type: RollingUpdate\n    rollingUpdate: {{maxSurge: 25%, maxUnavailable: 0}}\n"
        f"  template:\n    metadata:\n      labels:\n{labels(app, template_component, 8)}"
        f"      annotations:\n        prometheus.io/scrape: \"true\"\n        prometheus.io/port: {q(str(app.port))}\n"
        f"    spec:\n      serviceAccountName: {n}\n{restart}"
        f"      securityContext:\n        runAsNonRoot: true\n        runAsUser: 10001\n        fsGroup: 10001\n"
        f"      containers:\n      - name: app\n        image: {app.image}\n        imagePullPolicy: IfNotPresent\n"
        f"        args: [\"--port={app.port}\", \"--config=/etc/app/app.properties\"]\n"
        f"        ports:\n        - name: http\n          containerPort: {app.port}\n          protocol: TCP\n"
        f"        envFrom:\n        - configMapRef:\n            name: {env_from}\n"
        f"        env:\n        - name: DB_PASSWORD\n          valueFrom:\n            secretKeyRef:\n"
        f"              name: {n}-db\n              key: {secret_key}\n"
        f"        - name: POD_NAME\n          valueFrom:\n            fieldRef:\n              fieldPath: metadata.name\n"
        f"        readinessProbe:\n          httpGet: {{path: /ready, port: {probe_port}}}\n"
        f"          periodSeconds: 10\n          timeoutSeconds: 2\n"
        f"        livenessProbe:\n          httpGet: {{path: /healthz, port: http}}\n"
        f"          initialDelaySeconds: 10\n          periodSeconds: 20\n"
        f"        resources:\n          requests: {{cpu: 100m, memory: 128Mi}}\n"
        f"          limits: {{memory: 256Mi}}\n"
        f"        securityContext:\n          allowPrivilegeEscalation: false\n          readOnlyRootFilesystem: true\n"
        f"          capabilities: {{drop: [ALL]}}\n"
        f"        volumeMounts:\n        - {{name: config, mountPath: /etc/app, readOnly: true}}\n"
        f"        - {{name: cache, mountPath: /var/cache/app}}\n"
        f"      volumes:\n      - name: config\n        configMap:\n          name: {n}-config\n"
        f"          items: [{{key: app.properties, path: app.properties}}]\n"
        f"      - name: cache\n        persistentVolumeClaim:\n          claimName: {claim}\n")

    svc_selector = (n + "-gone") if f == "service-selects-nothing" else n
    target = "web" if f == "service-bad-target-port" else "http"
    docs.append(f"apiVersion: v1\nkind: Service\n{metadata(app, n, 'server')}spec:\n  type: ClusterIP\n"
                f"  selector:\n    app.kubernetes.io/name: {svc_selector}\n"
                f"    app.kubernetes.io/component: server\n"
                f"  ports:\n  - name: http\n    port: 80\n    targetPort: {target}\n    protocol: TCP\n")

    backend = (n + "-v2") if f == "ingress-missing-service" else n
    port = "number: 8081" if f == "ingress-bad-port" else "name: http"
    docs.append(f"apiVersion: networking.k8s.io/v1\nkind: Ingress\n{metadata(app, n, 'ingress')}"
                f"spec:\n  ingressClassName: nginx\n"
                f"  tls:\n  - hosts: [{n}.{ns}.example.com]\n    secretName: {n}-tls\n"
                f"  rules:\n  - host: {n}.{ns}.example.com\n    http:\n      paths:\n"
                f"      - path: /\n        pathType: Prefix\n        backend:\n"
                f"          service:\n            name: {backend}\n            port:\n              {port}\n")

    db = n + "-db"
    governing = (db + "-headless") if f == "statefulset-no-service" else db
    sc = "ultra-nvme" if f == "unknown-storage-class" else app.storage_class
    docs.append(f"apiVersion: v1\nkind: Service\n{metadata(app, db, 'database')}spec:\n  clusterIP: None\n"
                f"  selector:\n    app.kubernetes.io/name: {n}\n    app.kubernetes.io/component: database\n"
                f"  ports:\n  - name: db\n    port: {app.db_port}\n    targetPort: db\n")
    docs.append(
        f"apiVersion: apps/v1\nkind: StatefulSet\n{metadata(app, db, 'database')}spec:\n"
        f"  serviceName: {governing}\n  replicas: 1\n"
        f"  selector:\n    matchLabels:\n      app.kubernetes.io/name: {n}\n"
        f"      app.kubernetes.io/component: database\n"
        f"  template:\n    metadata:\n      labels:\n{labels(app, 'database', 8)}"
        f"    spec:\n      serviceAccountName: {n}\n      terminationGracePeriodSeconds: 30\n"
        f"      containers:\n      - name: {app.db_kind}\n        image: {app.db_image}\n"
        f"        ports:\n        - name: db\n          containerPort: {app.db_port}\n"
        f"        env:\n        - name: PASSWORD\n          valueFrom:\n            secretKeyRef: {{name: {n}-db, key: password}}\n"
        f"        readinessProbe:\n          tcpSocket: {{port: db}}\n          periodSeconds: 10\n"
        f"        resources:\n          requests: {{cpu: 250m, memory: 512Mi}}\n          limits: {{memory: 1Gi}}\n"
        f"        volumeMounts:\n        - {{name: data, mountPath: /var/lib/data}}\n"
        f"  volumeClaimTemplates:\n  - metadata:\n      name: data\n    spec:\n"
        f"      accessModes: [ReadWriteOnce]\n      storageClassName: {sc}\n"
        f"      resources:\n        requests:\n          storage: {app.size}Gi\n")

    pv = f"pv-{ns}-{n}"
    docs.append(f"apiVersion: v1\nkind: PersistentVolumeClaim\n{metadata(app, n + '-cache', 'cache')}"
                f"spec:\n  accessModes: [ReadWriteMany]\n  storageClassName: {app.storage_class}\n"
                f"  volumeName: {pv}\n  resources:\n    requests:\n      storage: {app.size}Gi\n")
    docs.append(f"apiVersion: v1\nkind: PersistentVolume\n{metadata(app, pv, 'cache', cluster=True)}"
                f"spec:\n  capacity:\n    storage: {app.size}Gi\n  accessModes: [ReadWriteMany]\n"
                f"  persistentVolumeReclaimPolicy: Retain\n  storageClassName: {app.storage_class}\n"
                f"  claimRef:\n    namespace: {ns}\n    name: {n}-cache\n"
                f"  nfs:\n    server: nfs.{ns}.example.com\n    path: /exports/{n}\n")

    hpa_target = (n + "-old") if f == "hpa-missing-target" else n
    docs.append(f"apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\n{metadata(app, n, 'autoscaler')}"
                f"spec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: {hpa_target}\n"
                f"  minReplicas: {app.replicas}\n  maxReplicas: {app.replicas * 4}\n"
                f"  metrics:\n  - type: Resource\n    resource:\n      name: cpu\n"
                f"      target: {{type: Utilization, averageUtilization: 70}}\n")
    pdb_component = "canary" if f == "pdb-selects-nothing" else "server"
    docs.append(f"apiVersion: policy/v1\nkind: PodDisruptionBudget\n{metadata(app, n, 'budget')}"
                f"spec:\n  maxUnavailable: 1\n  selector:\n    matchLabels:\n"
                f"      app.kubernetes.io/name: {n}\n      app.kubernetes.io/component: {pdb_component}\n")
    return docs


def storage_classes():
    out = []
    for i, name in enumerate(CLASSES):
        default = "\n  annotations:\n    storageclass.kubernetes.io/is-default-class: \"true\"" if i == 0 else ""
        out.append(f"apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: {name}{default}\n"
                   f"provisioner: csi.example.com\nreclaimPolicy: Delete\nvolumeBindingMode: WaitForFirstConsumer\n"
                   f"allowVolumeExpansion: true\n")
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="directory to write (created)")
    ap.add_argument("--objects", type=int, default=10000, help="about how many objects")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--fault-rate", type=float, default=0.05, help="share of apps with a fault")
    args = ap.parse_args()

    rng = random.Random(args.seed)
    apps = [App(rng, i) for i in range(max(1, (args.objects - len(CLASSES)) // OBJECTS_PER_APP))]
    faulty = rng.sample(range(len(apps)), max(1, int(len(apps) * args.fault_rate)))
    for k, i in enumerate(sorted(faulty)):
        apps[i].fault = FAULTS[k % len(FAULTS)][0]

    os.makedirs(os.path.join(args.out, "cluster"), exist_ok=True)
    with open(os.path.join(args.out, "cluster", "storage-classes.yaml"), "w") as fh:
        fh.write("---\n".join(storage_classes()))
    total = len(CLASSES)
    oracle = []
    by_id = {fid: (rule, what) for fid, rule, what in FAULTS}
    for app in apps:
        folder = os.path.join(args.out, "apps", app.ns)
        os.makedirs(folder, exist_ok=True)
        rel = f"apps/{app.ns}/{app.name}.yaml"
        docs = render(app)
        total += len(docs)
        with open(os.path.join(args.out, rel), "w") as fh:
            fh.write(f"# {app.name}: owned by team {app.team}\n")
            fh.write("---\n".join(docs))
        if app.fault:
            rule, what = by_id[app.fault]
            oracle.append({"file": rel, "namespace": app.ns, "app": app.name,
                           "fault": app.fault, "rule": rule, "what": what})
    with open(args.out.rstrip("/") + ".faults.json", "w") as fh:
        json.dump({"objects": total, "apps": len(apps), "faults": oracle}, fh, indent=1)
    print(f"{args.out}: {total} objects in {len(apps)} apps, {len(oracle)} faults")


if __name__ == "__main__":
    main()

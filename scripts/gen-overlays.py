#!/usr/bin/env python3
"""Generates a repository of N kustomize overlays over one base, for measuring the build.

Usage: scripts/gen-overlays.py OUT_DIR [--overlays 100]
"""

import argparse
import os

BASE = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.25
        ports: [{containerPort: 8080, name: http}]
        envFrom: [{configMapRef: {name: web-config}}]
        readinessProbe: {httpGet: {path: /, port: http}}
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: http}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  rules:
  - http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--overlays", type=int, default=100)
    a = ap.parse_args()
    os.makedirs(os.path.join(a.out, "base"), exist_ok=True)
    with open(os.path.join(a.out, "base", "resources.yaml"), "w") as f:
        f.write(BASE)
    with open(os.path.join(a.out, "base", "kustomization.yaml"), "w") as f:
        f.write("resources: [resources.yaml]\nconfigMapGenerator:\n- name: web-config\n  literals: [MODE=base]\n")
    for i in range(a.overlays):
        d = os.path.join(a.out, "overlays", f"env{i:03}")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "kustomization.yaml"), "w") as f:
            f.write(
                f"namespace: env{i:03}\nnamePrefix: e{i}-\nresources: [../../base]\n"
                f"commonLabels: {{env: env{i:03}}}\n"
                f"images: [{{name: nginx, newTag: '1.{i}'}}]\n"
                "patches: [{path: patch.yaml}]\n"
                "configMapGenerator:\n- name: web-config\n  behavior: merge\n"
                f"  literals: [ENV=env{i:03}]\n"
            )
        with open(os.path.join(d, "patch.yaml"), "w") as f:
            f.write(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n"
                f"spec:\n  replicas: {i % 5 + 1}\n"
            )


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Regenerates schemas/kubernetes.json from the `kubernetes-validate` wheel on PyPI.

The wheel ships `kubernetes-json-schema/v1.NN.0-local-strict/_definitions.json`: the
Kubernetes OpenAPI definitions as JSON Schema (draft 2020-12), strict (no unknown
fields). This script keeps every minor version from 1.27 on and makes them small:

- descriptions, formats and `x-kubernetes-*` annotations (but the strategic-merge keys,
  strategies and list types) are dropped (the group/version/kind
  of each top-level definition is kept as `gvk`);
- IntOrString and Quantity become plain type unions (a Quantity string must also match the
  quantity grammar) so that errors read "expected integer or string";
- the enums the API server enforces but the published schemas lack are added
 , and the fields it requires (REQUIRED);
- a definition identical in several versions is stored once, with the list of versions.

It also writes schemas/descriptions.json.zlib: the descriptions dropped above, for hover
in `k8lint lsp`, zlib-compressed and decoded only on the first hover. Per definition, the
newest version's: `{"source", "version", "definitions": {name: {"": what the definition
is, property: what the property is, …}}}` (a definition gone from newer versions keeps its
last version's).

Usage: scripts/gen_schemas.py [--wheel PATH] [--version X.Y.Z]
Without --wheel, `pip download` fetches the pinned kubernetes-validate version.
"""

import argparse
import json
import pathlib
import re
import subprocess
import sys
import tempfile
import zipfile
import zlib

PINNED = "1.37.0"
FIRST_MINOR = 27
ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "schemas" / "kubernetes.json"
DESCRIPTIONS = ROOT / "schemas" / "descriptions.json.zlib"
VERSIONS_RS = ROOT / "src" / "versions.rs"

# (definition name without the `io.k8s.api.` prefix, property, values, applies to items)
# Values the API server's validation accepts; only fields whose valid values did not change from 1.27 on.
PROTOCOLS = ["TCP", "UDP", "SCTP"]
ENUMS = [
    ("core.v1.Container", "imagePullPolicy", ["Always", "IfNotPresent", "Never"], False),
    ("core.v1.EphemeralContainer", "imagePullPolicy", ["Always", "IfNotPresent", "Never"], False),
    ("core.v1.Container", "terminationMessagePolicy", ["File", "FallbackToLogsOnError"], False),
    ("core.v1.EphemeralContainer", "terminationMessagePolicy", ["File", "FallbackToLogsOnError"], False),
    ("core.v1.PodSpec", "restartPolicy", ["Always", "OnFailure", "Never"], False),
    ("core.v1.PodSpec", "dnsPolicy", ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"], False),
    ("core.v1.PodSpec", "preemptionPolicy", ["PreemptLowerPriority", "Never"], False),
    ("core.v1.ContainerPort", "protocol", PROTOCOLS, False),
    ("core.v1.ServicePort", "protocol", PROTOCOLS, False),
    ("core.v1.EndpointPort", "protocol", PROTOCOLS, False),
    ("discovery.v1.EndpointPort", "protocol", PROTOCOLS, False),
    ("networking.v1.NetworkPolicyPort", "protocol", PROTOCOLS, False),
    ("core.v1.ServiceSpec", "type", ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"], False),
    ("core.v1.ServiceSpec", "sessionAffinity", ["None", "ClientIP"], False),
    ("core.v1.ServiceSpec", "externalTrafficPolicy", ["Cluster", "Local"], False),
    ("core.v1.ServiceSpec", "internalTrafficPolicy", ["Cluster", "Local"], False),
    ("core.v1.ServiceSpec", "ipFamilyPolicy", ["SingleStack", "PreferDualStack", "RequireDualStack"], False),
    ("core.v1.ServiceSpec", "ipFamilies", ["IPv4", "IPv6"], True),
    ("core.v1.VolumeMount", "mountPropagation", ["None", "HostToContainer", "Bidirectional"], False),
    ("core.v1.VolumeMount", "recursiveReadOnly", ["Disabled", "IfPossible", "Enabled"], False),
    ("core.v1.PersistentVolumeClaimSpec", "accessModes",
     ["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"], True),
    ("core.v1.PersistentVolumeSpec", "accessModes",
     ["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"], True),
    ("core.v1.PersistentVolumeClaimSpec", "volumeMode", ["Block", "Filesystem"], False),
    ("core.v1.PersistentVolumeSpec", "volumeMode", ["Block", "Filesystem"], False),
    ("core.v1.PersistentVolumeSpec", "persistentVolumeReclaimPolicy", ["Delete", "Recycle", "Retain"], False),
    ("core.v1.HTTPGetAction", "scheme", ["HTTP", "HTTPS"], False),
    ("core.v1.Toleration", "operator", ["Exists", "Equal"], False),
    ("core.v1.Toleration", "effect", ["", "NoSchedule", "PreferNoSchedule", "NoExecute"], False),
    ("core.v1.Taint", "effect", ["NoSchedule", "PreferNoSchedule", "NoExecute"], False),
    ("core.v1.NodeSelectorRequirement", "operator", ["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"], False),
    ("core.v1.HostPathVolumeSource", "type",
     ["", "DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket", "CharDevice", "BlockDevice"], False),
    ("core.v1.SeccompProfile", "type", ["RuntimeDefault", "Unconfined", "Localhost"], False),
    ("core.v1.AppArmorProfile", "type", ["RuntimeDefault", "Unconfined", "Localhost"], False),
    ("core.v1.PodSecurityContext", "fsGroupChangePolicy", ["OnRootMismatch", "Always"], False),
    ("core.v1.TopologySpreadConstraint", "whenUnsatisfiable", ["DoNotSchedule", "ScheduleAnyway"], False),
    ("core.v1.TopologySpreadConstraint", "nodeAffinityPolicy", ["Honor", "Ignore"], False),
    ("core.v1.TopologySpreadConstraint", "nodeTaintsPolicy", ["Honor", "Ignore"], False),
    ("core.v1.ContainerResizePolicy", "restartPolicy", ["NotRequired", "RestartContainer"], False),
    ("apps.v1.DeploymentStrategy", "type", ["Recreate", "RollingUpdate"], False),
    ("apps.v1.DaemonSetUpdateStrategy", "type", ["RollingUpdate", "OnDelete"], False),
    ("apps.v1.StatefulSetUpdateStrategy", "type", ["RollingUpdate", "OnDelete"], False),
    ("apps.v1.StatefulSetSpec", "podManagementPolicy", ["OrderedReady", "Parallel"], False),
    ("apps.v1.StatefulSetPersistentVolumeClaimRetentionPolicy", "whenDeleted", ["Retain", "Delete"], False),
    ("apps.v1.StatefulSetPersistentVolumeClaimRetentionPolicy", "whenScaled", ["Retain", "Delete"], False),
    ("batch.v1.CronJobSpec", "concurrencyPolicy", ["Allow", "Forbid", "Replace"], False),
    ("batch.v1.JobSpec", "completionMode", ["NonIndexed", "Indexed"], False),
    ("batch.v1.JobSpec", "podReplacementPolicy", ["TerminatingOrFailed", "Failed"], False),
    ("batch.v1.PodFailurePolicyOnExitCodesRequirement", "operator", ["In", "NotIn"], False),
    ("networking.v1.HTTPIngressPath", "pathType", ["Exact", "Prefix", "ImplementationSpecific"], False),
    ("networking.v1.IngressClassParametersReference", "scope", ["Cluster", "Namespace"], False),
    ("networking.v1.NetworkPolicySpec", "policyTypes", ["Ingress", "Egress"], True),
    ("storage.v1.StorageClass", "reclaimPolicy", ["Delete", "Retain"], False),
    ("storage.v1.StorageClass", "volumeBindingMode", ["Immediate", "WaitForFirstConsumer"], False),
    ("autoscaling.v2.MetricSpec", "type", ["ContainerResource", "External", "Object", "Pods", "Resource"], False),
    ("autoscaling.v2.MetricTarget", "type", ["Utilization", "Value", "AverageValue"], False),
    ("autoscaling.v2.HPAScalingPolicy", "type", ["Pods", "Percent"], False),
    ("autoscaling.v2.HPAScalingRules", "selectPolicy", ["Max", "Min", "Disabled"], False),
    ("policy.v1.PodDisruptionBudgetSpec", "unhealthyPodEvictionPolicy", ["IfHealthyBudget", "AlwaysAllow"], False),
    ("admissionregistration.v1.ValidatingWebhook", "failurePolicy", ["Ignore", "Fail"], False),
    ("admissionregistration.v1.MutatingWebhook", "failurePolicy", ["Ignore", "Fail"], False),
    ("admissionregistration.v1.ValidatingWebhook", "sideEffects", ["None", "NoneOnDryRun"], False),
    ("admissionregistration.v1.MutatingWebhook", "sideEffects", ["None", "NoneOnDryRun"], False),
    ("admissionregistration.v1.ValidatingWebhook", "matchPolicy", ["Exact", "Equivalent"], False),
    ("admissionregistration.v1.MutatingWebhook", "matchPolicy", ["Exact", "Equivalent"], False),
    ("admissionregistration.v1.MutatingWebhook", "reinvocationPolicy", ["Never", "IfNeeded"], False),
]
# Plain (non-pointer) string fields that the API server defaults when empty: `""` is as
# good as absent there.
DEFAULTED_WHEN_EMPTY = {
    ("core.v1.Container", "imagePullPolicy"), ("core.v1.EphemeralContainer", "imagePullPolicy"),
    ("core.v1.Container", "terminationMessagePolicy"),
    ("core.v1.EphemeralContainer", "terminationMessagePolicy"),
    ("core.v1.PodSpec", "restartPolicy"), ("core.v1.PodSpec", "dnsPolicy"),
    ("core.v1.ContainerPort", "protocol"), ("core.v1.ServicePort", "protocol"),
    ("core.v1.EndpointPort", "protocol"),
    ("core.v1.ServiceSpec", "type"), ("core.v1.ServiceSpec", "sessionAffinity"),
    ("core.v1.ServiceSpec", "externalTrafficPolicy"), ("core.v1.HTTPGetAction", "scheme"),
    ("core.v1.PersistentVolumeSpec", "persistentVolumeReclaimPolicy"),
    ("core.v1.Toleration", "operator"),
    ("apps.v1.DeploymentStrategy", "type"), ("apps.v1.DaemonSetUpdateStrategy", "type"),
    ("apps.v1.StatefulSetUpdateStrategy", "type"), ("apps.v1.StatefulSetSpec", "podManagementPolicy"),
    ("apps.v1.StatefulSetPersistentVolumeClaimRetentionPolicy", "whenDeleted"),
    ("apps.v1.StatefulSetPersistentVolumeClaimRetentionPolicy", "whenScaled"),
    ("batch.v1.CronJobSpec", "concurrencyPolicy"),
}
# Fields that validation requires although the OpenAPI types leave them optional
#.
REQUIRED = [
    ("core.v1.Container", "image"),
    ("core.v1.EphemeralContainer", "image"),
]
EXTENSIONS_CRD = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1."
SCOPE_ENUM = (EXTENSIONS_CRD + "CustomResourceDefinitionSpec", "scope", ["Namespaced", "Cluster"])

INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity"
# Quantity grammar: sign, number, then a binary-SI, decimal-SI or exponent suffix.
QUANTITY_PATTERN = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?[0-9]+)?$"
DROPPED = {"description", "format", "$schema", "$id", "readOnly", "default", "example"}
# The strategic-merge annotations stay: the kustomize build merges lists by them.
KEPT = {"x-kubernetes-patch-merge-key", "x-kubernetes-patch-strategy", "x-kubernetes-list-type"}


def slim(schema):
    """A schema without documentation and annotations; property names are left alone."""
    if not isinstance(schema, dict):
        return schema
    out = {}
    for key, value in schema.items():
        if key in DROPPED or (key.startswith("x-kubernetes-") and key not in KEPT):
            continue
        if key in ("properties", "$defs", "patternProperties"):
            out[key] = {name: slim(sub) for name, sub in value.items()}
        elif key in ("items", "additionalProperties", "not", "if", "then", "else"):
            out[key] = slim(value)
        elif key in ("allOf", "anyOf", "oneOf"):
            out[key] = [slim(sub) for sub in value]
        else:
            out[key] = value
    return out


def add_enum(prop, values, items):
    target = prop["items"] if items else prop
    if "$ref" in target:
        return False
    # Absent and null are the same to the API server.
    target["enum"] = values + [None]
    return True


def transform(defs):
    out = {}
    for name, schema in defs.items():
        gvk = schema.get("x-kubernetes-group-version-kind")
        s = slim(schema)
        if name == INT_OR_STRING:
            s = {"type": ["integer", "string", "null"]}
        elif name == QUANTITY:
            s = {"type": ["number", "string", "null"], "pattern": QUANTITY_PATTERN}
        if gvk:
            s["gvk"] = [[g["group"], g["version"], g["kind"]] for g in gvk]
        out[name] = s
    for short, prop, values, items in ENUMS:
        name = "io.k8s.api." + short
        p = out.get(name, {}).get("properties", {}).get(prop)
        if p is None:
            continue
        if (short, prop) in DEFAULTED_WHEN_EMPTY and "" not in values:
            values = [""] + list(values)
        if not add_enum(p, list(values), items):
            sys.exit(f"enum target {name}.{prop} is a reference")
    for short, prop in REQUIRED:
        s = out.get("io.k8s.api." + short)
        if s and prop in s.get("properties", {}) and prop not in s.setdefault("required", []):
            s["required"].append(prop)
    name, prop, values = SCOPE_ENUM
    if prop in out.get(name, {}).get("properties", {}):
        add_enum(out[name]["properties"][prop], list(values), False)
    return out


def descriptions(defs):
    """What each definition and each of its properties is, as the API documents it."""
    out = {}
    for name, schema in defs.items():
        d = {}
        if schema.get("description"):
            d[""] = schema["description"]
        for prop, sub in (schema.get("properties") or {}).items():
            text = sub.get("description") if isinstance(sub, dict) else None
            if text:
                d[prop] = text
        if d:
            out[name] = d
    return out


def write_descriptions(raw, source):
    """The newest version's descriptions of every definition, compressed."""
    newest = {}
    for minor in sorted(raw):
        newest.update(raw[minor])
    body = json.dumps({"source": source, "version": f"1.{max(raw)}", "definitions": newest},
                      separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    DESCRIPTIONS.write_bytes(zlib.compress(body.encode(), 9))
    return len(body), DESCRIPTIONS.stat().st_size


def wheel_path(args, tmp):
    if args.wheel:
        return pathlib.Path(args.wheel)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--dest", tmp,
         f"kubernetes-validate=={args.version}"],
        check=True,
    )
    return next(pathlib.Path(tmp).glob("kubernetes_validate-*.whl"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wheel", help="a kubernetes_validate-*.whl already downloaded")
    ap.add_argument("--version", default=PINNED, help="kubernetes-validate version to download")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        whl = wheel_path(args, tmp)
        pattern = re.compile(r"kubernetes_validate/kubernetes-json-schema/v1\.(\d+)\.0-local-strict/_definitions\.json$")
        per_version = {}
        raw_descriptions = {}
        with zipfile.ZipFile(whl) as z:
            for entry in z.namelist():
                m = pattern.search(entry)
                if m and int(m.group(1)) >= FIRST_MINOR:
                    defs = json.loads(z.read(entry))["$defs"]
                    raw_descriptions[int(m.group(1))] = descriptions(defs)
                    per_version[int(m.group(1))] = transform(defs)
    if not per_version:
        sys.exit(f"{whl}: no v1.NN.0-local-strict schemas found")
    minors = sorted(per_version)
    # name -> [[minors...], schema] with each distinct schema stored once.
    merged = {}
    for minor in minors:
        for name, schema in per_version[minor].items():
            variants = merged.setdefault(name, [])
            for v in variants:
                if v[1] == schema:
                    v[0].append(minor)
                    break
            else:
                variants.append([[minor], schema])
    versions = [f"1.{m}" for m in minors]
    lines = ['{"source":' + json.dumps(f"kubernetes-validate {whl.name.split('-')[1]}") + ",",
             '"versions":' + json.dumps(versions) + ",", '"definitions":{']
    names = sorted(merged)
    for i, name in enumerate(names):
        body = json.dumps(merged[name], separators=(",", ":"), sort_keys=True)
        lines.append(json.dumps(name) + ":" + body + ("," if i + 1 < len(names) else ""))
    lines.append("}}")
    OUT.write_text("\n".join(lines) + "\n")
    # src/versions.rs lists the same versions as a constant (a unit test keeps them equal).
    rs = VERSIONS_RS.read_text()
    known = "pub const KNOWN: &[&str] = &[\n    " + ", ".join(json.dumps(v) for v in versions) + ",\n];"
    VERSIONS_RS.write_text(re.sub(r"pub const KNOWN: &\[&str\] = &\[[^\]]*\];", lambda _: known, rs))
    source = f"kubernetes-validate {whl.name.split('-')[1]}"
    plain, packed = write_descriptions(raw_descriptions, source)
    print(f"{DESCRIPTIONS}: {plain} bytes of descriptions, {packed} compressed")
    print(f"{OUT}: {len(versions)} versions ({versions[0]}..{versions[-1]}), "
          f"{len(names)} definitions, {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()

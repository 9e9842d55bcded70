"""Validates the custom resources in k8s/extras against their CRDs' schemas.

Run by .ci/k8s inside its venv. The schemas come from PyPI: cloudcoil's model packages
are generated from the projects' CRD YAML (openAPIV3Schema), so validating against them
checks what the API server's schema would: required fields, types, enums and patterns.
Validation is strict (no coercion: "443" is not a port number), and a field the schema
does not know is an error too, as `kubectl apply --validate=strict` makes it: the
document must come back unchanged from the model, so a field the model dropped is named.

Usage: python .ci/k8s-crds.py FILE...
"""

import importlib.util
import json
import os
import sys
from importlib.metadata import version

import pydantic
import yaml


def import_alone(name):
    """Imports the module `name` without its parent packages' __init__: those import
    every API version of the project, each taking seconds to build its models."""
    models = importlib.util.find_spec("cloudcoil.models").submodule_search_locations[0]
    rest = name.removeprefix("cloudcoil.models.").split(".")
    spec = importlib.util.spec_from_file_location(
        name, os.path.join(models, *rest) + ".py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


istio_networking_v1 = import_alone("cloudcoil.models.istio.networking.v1")
monitoring_v1 = import_alone("cloudcoil.models.prometheus_operator.v1")

# (apiVersion, kind) -> (model, where its schema comes from)
MODELS = {
    ("networking.istio.io/v1", "ServiceEntry"): (
        istio_networking_v1.ServiceEntry,
        f"Istio CRDs, cloudcoil-models-istio {version('cloudcoil-models-istio')}",
    ),
    ("monitoring.coreos.com/v1", "PodMonitor"): (
        monitoring_v1.PodMonitor,
        (
            "prometheus-operator CRDs, cloudcoil-models-prometheus-operator "
            f"{version('cloudcoil-models-prometheus-operator')}"
        ),
    ),
}


def unknown_fields(given, kept, path=""):
    """Paths present in `given` (the document) but not in `kept` (the model's dump)."""
    if isinstance(given, dict) and isinstance(kept, dict):
        for key, value in given.items():
            here = f"{path}.{key}" if path else key
            if key not in kept:
                yield here
            else:
                yield from unknown_fields(value, kept[key], here)
    elif isinstance(given, list) and isinstance(kept, list):
        for i, (a, b) in enumerate(zip(given, kept)):
            yield from unknown_fields(a, b, f"{path}[{i}]")


def check(path, doc):
    """Problems with one document, as strings; empty when it is valid."""
    if not isinstance(doc, dict):
        return ["not a mapping"]
    key = (doc.get("apiVersion"), doc.get("kind"))
    if key not in MODELS:
        known = ", ".join(f"{a} {k}" for a, k in MODELS)
        return [f"no CRD schema here for {key[0]} {key[1]} (known: {known})"]
    model, _ = MODELS[key]
    if not (doc.get("metadata") or {}).get("namespace"):
        return ["metadata.namespace is not set (the manifests never use `default`)"]
    try:
        obj = model.model_validate_json(json.dumps(doc), strict=True)
    except pydantic.ValidationError as e:
        return [
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}"
            for err in e.errors()
        ]
    kept = json.loads(obj.model_dump_json(by_alias=True, exclude_unset=True))
    problems = [f"{p}: unknown field" for p in unknown_fields(doc, kept)]
    if not problems and kept != doc:
        problems.append("the schema changed the document (a value it normalises?)")
    return problems


def main(paths):
    failed = passed = 0
    for path in paths:
        with open(path, encoding="utf-8") as f:
            docs = [d for d in yaml.safe_load_all(f) if d is not None]
        for doc in docs:
            name = f"{doc.get('kind')}/{(doc.get('metadata') or {}).get('name')}"
            problems = check(path, doc)
            if problems:
                failed += 1
                for p in problems:
                    print(f"ERROR {path}: {name}: {p}")
            else:
                passed += 1
                print(
                    f"ok    {path}: {name} ({MODELS[(doc['apiVersion'], doc['kind'])][1]})"
                )
    print(f"CRD schemas: {passed} documents valid, {failed} invalid")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

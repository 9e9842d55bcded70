"""What no schema or linter checks: that the Dockerfile and the manifests agree.

- The image's USER is numeric (uid:gid, uid >= 10000), and every antom-sidecar container
  runs as that UID (and has the fsGroup that lets it read its key files).
- The Dockerfile builds with --locked --no-default-features, on the Rust toolchain that
  Cargo.toml's rust-version names.
- Secret volumes are mounted whole, never through subPath (which the kubelet never
  updates, so a key rotation would go unseen), read-only, with defaultMode 0400.
- terminationGracePeriodSeconds is above SIDECAR_SHUTDOWN_GRACE (from the ConfigMap the
  container reads).

Run by .ci/k8s inside its venv. Usage: python .ci/k8s-consistency.py MANIFEST...
"""

import re
import sys
import tomllib

import yaml


def seconds(duration):
    m = re.fullmatch(r"(\d+)(ms|s|m)", duration)
    if not m:
        raise ValueError(f"cannot read the duration {duration!r}")
    return int(m[1]) * {"ms": 0.001, "s": 1, "m": 60}[m[2]]


def main(paths):
    problems = []
    with open("Dockerfile", encoding="utf-8") as f:
        dockerfile = f.read()
    users = re.findall(r"^USER\s+(\S+)", dockerfile, re.MULTILINE)
    m = re.fullmatch(r"(\d+):(\d+)", users[-1] if users else "")
    if not m or int(m[1]) < 10000:
        sys.exit(
            f"Dockerfile: the last USER must be numeric uid:gid, uid >= 10000: {users}"
        )
    uid, gid = int(m[1]), int(m[2])
    build = " ".join(re.findall(r"^RUN .*cargo build.*$", dockerfile, re.MULTILINE))
    for flag in ("--locked", "--no-default-features", "--release"):
        if flag not in build:
            problems.append(f"Dockerfile: `cargo build` without {flag}")
    with open("Cargo.toml", "rb") as f:
        rust_version = tomllib.load(f)["package"]["rust-version"]
    toolchains = re.findall(
        r"^FROM\s+(?:docker\.io/library/)?rust:([0-9.]+)", dockerfile, re.MULTILINE
    )
    if toolchains != [rust_version]:
        problems.append(
            f"Dockerfile: the build stage must be FROM rust:{rust_version}-... "
            f"(Cargo.toml's rust-version), found {toolchains}"
        )

    docs = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            docs += [(path, d) for d in yaml.safe_load_all(f) if d]
    configmaps = {
        (d["metadata"].get("namespace"), d["metadata"]["name"]): d.get("data", {})
        for _, d in docs
        if d.get("kind") == "ConfigMap"
    }
    sidecars = 0
    for path, d in docs:
        template = (d.get("spec") or {}).get("template")
        if (
            d.get("kind") not in ("Deployment", "StatefulSet", "DaemonSet")
            or not template
        ):
            continue
        spec = template["spec"]
        where = f"{path}: {d['kind']}/{d['metadata']['name']}"
        pod_sc = spec.get("securityContext") or {}
        secret_volumes = {
            v["name"]: v["secret"] for v in spec.get("volumes", []) if "secret" in v
        }
        for name, secret in secret_volumes.items():
            if secret.get("defaultMode") != 0o400:
                problems.append(
                    f"{where}: secret volume {name} without defaultMode 0400"
                )
        grace = spec.get("terminationGracePeriodSeconds", 30)
        for c in spec.get("initContainers", []) + spec.get("containers", []):
            for mount in c.get("volumeMounts", []):
                if mount["name"] in secret_volumes:
                    if "subPath" in mount or "subPathExpr" in mount:
                        problems.append(
                            f"{where}: {c['name']} mounts secret volume {mount['name']} "
                            "with subPath, which the kubelet never updates"
                        )
                    if not mount.get("readOnly"):
                        problems.append(
                            f"{where}: {c['name']} mounts {mount['name']} writable"
                        )
            if "antom-sidecar" not in c.get("image", ""):
                continue
            sidecars += 1
            sc = {**pod_sc, **(c.get("securityContext") or {})}
            if sc.get("runAsUser") != uid or sc.get("runAsGroup") != gid:
                problems.append(
                    f"{where}: {c['name']} runs as {sc.get('runAsUser')}:"
                    f"{sc.get('runAsGroup')}, the image's USER is {uid}:{gid}"
                )
            if pod_sc.get("fsGroup") not in (uid, gid):
                problems.append(
                    f"{where}: fsGroup {pod_sc.get('fsGroup')} is neither the image's UID "
                    "nor its GID: the key files (0400, root-owned) would be unreadable"
                )
            env = {}
            for source in c.get("envFrom", []):
                ref = source.get("configMapRef")
                if ref:
                    env.update(
                        configmaps.get(
                            (d["metadata"].get("namespace"), ref["name"]), {}
                        )
                    )
            env.update(
                {e["name"]: e.get("value") for e in c.get("env", []) if "value" in e}
            )
            shutdown = seconds(env.get("SIDECAR_SHUTDOWN_GRACE", "10s"))
            if grace <= shutdown:
                problems.append(
                    f"{where}: terminationGracePeriodSeconds {grace} is not above "
                    f"SIDECAR_SHUTDOWN_GRACE ({shutdown:g} s)"
                )

    for p in problems:
        print(f"ERROR {p}")
    if not sidecars:
        problems.append("no antom-sidecar container found")
        print("ERROR no antom-sidecar container found in the manifests")
    print(
        f"consistency: image USER {uid}:{gid}, toolchain rust {rust_version}, "
        f"{sidecars} antom-sidecar containers: {len(problems)} problems"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env bash
# Builds the Go example with Debian's Go packages (GOPATH mode, no module proxy) and runs
# it against a running sidecar:
#
#   examples/go/run.sh [ADDR]        # ADDR: host:port, else $ANTOM_SIDECAR_ADDR, else 127.0.0.1:50051
#
# 1. checks the Debian packages in debian-packages.txt (installs the missing ones when run
#    as root, else prints the apt-get command and exits 1; warns when a version differs);
# 2. generates the stubs from proto/ with protoc, protoc-gen-go and protoc-gen-go-grpc into
#    examples/go/gopath/src/<the proto's go_package> (gitignored), from a copy without the
#    proto3 `optional` labels, which Debian's protoc-gen-go 1.3.5 predates (see below);
# 3. builds the client with GO111MODULE=off, GOPATH=examples/go/gopath:/usr/share/gocode
#    and GOCACHE under ${TMPDIR:-/tmp};
# 4. runs it. Only the client writes to stdout; everything else goes to stderr.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
pins="$here/debian-packages.txt"
gopath="$here/gopath"
proto_root="$repo/proto"
proto="$proto_root/antom/risk/v1/risk_service.proto"

say() { printf 'run.sh: %s\n' "$*" >&2; }

# --- 1. Debian packages -------------------------------------------------------------
installed_version() { # prints the installed version of $1, or nothing
    dpkg-query -W -f='${db:Status-Abbrev} ${Version}\n' "$1" 2>/dev/null |
        awk '$1 == "ii" { print $2 }'
}

declare -A pinned=()
names=()  # every listed package, in the file's order
wanted=() # the packages to ask apt-get for (not those marked `dependency`)
while read -r name version note _; do
    [[ -z "$name" || "$name" == \#* ]] && continue
    pinned[$name]="$version"
    names+=("$name")
    [[ "${note:-}" == dependency ]] || wanted+=("$name")
done <"$pins"

missing=()
for name in "${wanted[@]}"; do
    [[ -n "$(installed_version "$name")" ]] || missing+=("$name")
done
if ((${#missing[@]})); then
    if [[ "$(id -u)" != 0 ]]; then
        say "missing Debian packages: ${missing[*]}"
        say "install them (as root) with:"
        say "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
        exit 1
    fi
    say "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
for name in "${names[@]}"; do
    have="$(installed_version "$name")"
    if [[ -z "$have" ]]; then
        say "warning: $name is not installed (debian-packages.txt lists $name ${pinned[$name]})"
    elif [[ "$have" != "${pinned[$name]}" ]]; then
        say "warning: $name $have is installed; this example was tried with ${pinned[$name]}"
    fi
done

# Debian's own toolchain, even when another Go comes first on PATH.
go=/usr/lib/go/bin/go
[[ -x "$go" ]] || go="$(command -v go)"

# --- 2. stubs -----------------------------------------------------------------------
# protoc writes each file under the import path of its go_package option, so the stubs
# land in $gopath/src/github.com/antom-sidecar/antom-sidecar/gen/go/antom/risk/v1.
go_package="$(sed -n 's/^option go_package = "\([^";]*\).*/\1/p' "$proto")"
[[ -n "$go_package" ]] || {
    say "no go_package option in $proto"
    exit 1
}
# The proto imports google/protobuf/timestamp.proto: protoc finds it in /usr/include,
# from libprotobuf-dev (a dependency of protoc-gen-go-grpc). Its go_package names
# protobuf's API v2 (google.golang.org/protobuf/types/known/timestamppb), which Debian's
# API v1 packages do not have: the M option maps it to golang/protobuf 1.3.5's own
# generated Timestamp, github.com/golang/protobuf/ptypes/timestamp.
#
# Decide's request has proto3 `optional` fields (explicit presence: a bool or number
# that is sent even when false or 0). protoc refuses them to a generator that does not
# declare support, and Debian's protoc-gen-go 1.3.5 (API v1) predates them. The stubs
# are therefore generated from a copy of the proto with the `optional` labels removed:
# the same field numbers and types, so the same wire format, but in Go those fields are
# plain values (false and 0 mean "not set" and are not sent). Where that matters, use
# API v2's protoc-gen-go (1.22 or newer: pointers for `optional`; see README.md).
rm -rf "${gopath:?}/src/$go_package"
mkdir -p "$gopath/src" "$gopath/bin"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
rel="${proto#"$proto_root"/}"
mkdir -p "$scratch/$(dirname "$rel")"
sed -E 's/^([[:space:]]*)optional[[:space:]]+/\1/' "$proto" >"$scratch/$rel"
protoc -I "$scratch" \
    --go_out="$gopath/src" \
    --go_opt=Mgoogle/protobuf/timestamp.proto=github.com/golang/protobuf/ptypes/timestamp \
    --go-grpc_out="$gopath/src" \
    "$scratch/$rel"
rm -rf "$scratch"
trap - EXIT

# --- 3. build -----------------------------------------------------------------------
bin="$gopath/bin/antom-risk-example"
(
    cd "$here"
    env GO111MODULE=off GOFLAGS= CGO_ENABLED=0 \
        GOPATH="$gopath:/usr/share/gocode" \
        GOCACHE="${TMPDIR:-/tmp}/antom-sidecar-examples-go-cache" \
        "$go" build -o "$bin" .
)

# --- 4. run -------------------------------------------------------------------------
exec "$bin" "$@"

"""Compares a stack's state before and after a move to another backend (lib/state.sh).

usage: state-compare.py SOURCE TARGET [SECRETS-PROVIDER]

SOURCE and TARGET are `pulumi stack export --show-secrets` of the two copies, read from pipes
(/dev/fd/N) so that no decrypted value touches the disk. Every resource must be in both, with
the same fields, secret values included; neither may have pending operations. With
SECRETS-PROVIDER, the target's secrets must be encrypted by that key service. Differences are
named by resource and field only: a value is never printed, since it may be a secret.
"""
import json
import sys

SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d"
# Set when a resource is written; a copy may carry or refresh them.
IGNORED_FIELDS = {"created", "modified"}


def deployment(path, name):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)["deployment"]
    except (OSError, ValueError, KeyError) as e:
        sys.exit(f"state-compare: the {name} state cannot be read ({type(e).__name__}: {e})")


def secrets_in(value):
    if isinstance(value, dict):
        if value.get(SECRET_SIGNATURE) == "1b47061264138c4ac30d75fd1eb44270":
            return 1
        return sum(secrets_in(v) for v in value.values())
    if isinstance(value, list):
        return sum(secrets_in(v) for v in value)
    return 0


def differing_paths(a, b, path):
    """The paths under which a and b differ, without their values."""
    if isinstance(a, dict) and isinstance(b, dict):
        paths = []
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                paths.append(f"{path}.{key} ({'only in the target' if key not in a else 'missing in the target'})")
            else:
                paths.extend(differing_paths(a[key], b[key], f"{path}.{key}"))
        return paths
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [p for i, (x, y) in enumerate(zip(a, b)) for p in differing_paths(x, y, f"{path}[{i}]")]
    return [] if a == b else [path]


def compare(source, target, provider):
    problems = []
    for name, d in (("source", source), ("target", target)):
        if d.get("pending_operations"):
            problems.append(f"the {name} has pending operations")
    if provider:
        sp = target.get("secrets_providers") or {}
        if sp.get("type") != "cloud" or (sp.get("state") or {}).get("url") != provider:
            problems.append(f"the target's secrets are not encrypted with {provider} (its provider: {sp.get('type')})")
    src = {r["urn"]: r for r in source.get("resources") or []}
    tgt = {r["urn"]: r for r in target.get("resources") or []}
    problems += [f"{urn}: missing in the target" for urn in src if urn not in tgt]
    problems += [f"{urn}: only in the target" for urn in tgt if urn not in src]
    for urn in src.keys() & tgt.keys():
        a = {k: v for k, v in src[urn].items() if k not in IGNORED_FIELDS}
        b = {k: v for k, v in tgt[urn].items() if k not in IGNORED_FIELDS}
        problems += [f"{urn}: {p} differs" for p in differing_paths(a, b, "")]
    return problems, len(src), secrets_in(source.get("resources"))


def main(argv):
    if len(argv) not in (3, 4):
        sys.exit(__doc__.strip().splitlines()[2])
    source = deployment(argv[1], "source")
    target = deployment(argv[2], "target")
    problems, resources, secrets = compare(source, target, argv[3] if len(argv) == 4 else "")
    if problems:
        print("state-compare: the moved state differs from the original:", file=sys.stderr)
        for p in sorted(problems):
            print(f"  {p}", file=sys.stderr)
        return 1
    print(f"state-compare: {resources} resources and {secrets} secret values, the same in both")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/bin/sh
# Builds herd7 (herdtools7 tag 7.57) into a cache directory outside the repository and prints the path of
# the herd7 binary. herdtools7 is not vendored: the source comes from a git directory that holds the tag
# (HERDTOOLS7_GIT, e.g. a clone or mirror) or, without one, from a shallow clone of github.com/herd/herdtools7.
#
# Needs (Debian): apt-get install -y ocaml-nox ocaml-dune menhir libmenhir-ocaml-dev libzarith-ocaml-dev ocaml-findlib
#
#   HERD7_PREFIX   where herd7 is installed (default: ${XDG_CACHE_HOME:-$HOME/.cache}/kscn-bench/herd7-7.57)
#   HERDTOOLS7_GIT a git directory holding tag 7.57 (default: clone from GitHub)
#
# A second run with herd7 already built prints the path at once.
set -eu

tag=7.57
prefix="${HERD7_PREFIX:-${XDG_CACHE_HOME:-$HOME/.cache}/kscn-bench/herd7-$tag}"
herd7="$prefix/bin/herd7"

if [ -x "$herd7" ]; then
  echo "$herd7"
  exit 0
fi

for tool in ocaml dune menhir ocamlfind git make; do
  command -v "$tool" > /dev/null || {
    echo "build.sh: $tool not found; install ocaml-nox ocaml-dune menhir libmenhir-ocaml-dev libzarith-ocaml-dev ocaml-findlib" >&2
    exit 2
  }
done

src="$prefix/src"
rm -rf "$src"
mkdir -p "$src"
if [ -n "${HERDTOOLS7_GIT:-}" ]; then
  git --git-dir="$HERDTOOLS7_GIT" archive "$tag" | tar -x -C "$src"
else
  git clone --quiet --depth 1 --branch "$tag" https://github.com/herd/herdtools7 "$src"
fi

# PREFIX is baked into herd7 (Version.ml) as the place of its models (x86tso.cat), so build and install
# with the same one. Output goes to stderr: stdout is the path alone.
make -C "$src" build PREFIX="$prefix" >&2
make -C "$src" install PREFIX="$prefix" >&2
"$herd7" -version >&2
echo "$herd7"

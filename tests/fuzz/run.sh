#!/usr/bin/env bash
# Long fuzzing campaigns of kscn, not run in CI (docs/fuzzing.md says what each mode needs and what was found).
#
#   tests/fuzz/run.sh random [--seed S] [--cases N] [--runs M] [--explores E] [--command-lines L] [--services V]
#                                                                 the mutation fuzzer of the tests: N checks, M runs, E
#                                                                 explores each with 1 and 2 threads and 3 shards merged,
#                                                                 L odd command lines, the editor's services on V mutants
#                                                                 (default: seed 17, 20000 checks, 300 runs, 100
#                                                                 explores, 1000 command lines, 2000 services)
#   tests/fuzz/run.sh differential [--seed S] [--cases N] [--mutants M] [--budget B] [--budget-none B]
#                                                                 generated explore blocks and mutants of the samples'
#                                                                 under no reduction, sleep sets and DPOR: verdicts and
#                                                                 final states must agree (default: seed 16, 1000
#                                                                 blocks, 300 mutants, budgets 20000 and 2000)
#   tests/fuzz/run.sh afl [SECONDS]                               coverage-guided: afl-fuzz on the front end (default 600 s)
#   tests/fuzz/run.sh libfuzzer [SECONDS]                         coverage-guided: libfuzzer-dotnet (LIBFUZZER_DOTNET=path)
#   tests/fuzz/run.sh replay PATH...                              the front-end target on saved inputs, no engine needed
#
# Everything goes under $KSCN_FUZZ_WORK (default /tmp/kscn-fuzz): findings, corpora, the instrumented build, and the
# compile cache of the runs (so that a campaign does not fill ~/.cache/kscn).
set -euo pipefail
cd "$(dirname "$0")/../.."
work="${KSCN_FUZZ_WORK:-/tmp/kscn-fuzz}"
mode="${1:-}"
shift || true
mkdir -p "$work"
export KSCN_SERVER=0 KSCN_CACHE_DIR="$work/cache" DOTNET_CLI_TELEMETRY_OPTOUT=1

# A Release build of kscn-fuzz in its own folder: the coverage modes instrument the compiler assembly there in place.
publish() {
  rm -rf "$work/app"
  dotnet publish tests/ScenarioLang.Fuzz -c Release -o "$work/app" --nologo -v quiet >&2
}

# The SharpFuzz instrumenter, as a dotnet tool in the work folder (NuGet: SharpFuzz.CommandLine, same version as the library).
instrument() {
  if [ ! -x "$work/tools/sharpfuzz" ]; then
    dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$work/tools" >&2
  fi
  # The compiler is what is fuzzed: lexer and parser (generated from grammar/), tree builder, binder, diagnostics.
  "$work/tools/sharpfuzz" "$work/app/ScenarioLang.Compiler.dll"
}

# The samples are the seed corpus of the coverage-guided engines.
corpus() {
  rm -rf "$work/corpus"
  mkdir -p "$work/corpus"
  find samples -name '*.kscn' | sort | while read -r f; do cp "$f" "$work/corpus/$(echo "$f" | tr / _)"; done
}

case "$mode" in
  random)
    publish
    rm -rf "$work/random"
    dotnet "$work/app/kscn-fuzz.dll" random --out "$work/random" "$@"
    ;;
  differential)
    publish
    rm -rf "$work/differential"
    dotnet "$work/app/kscn-fuzz.dll" differential --out "$work/differential" "$@"
    ;;
  afl)
    command -v afl-fuzz >/dev/null || { echo "afl-fuzz not found: apt-get install afl++ (Debian package), then rerun" >&2; exit 2; }
    seconds="${1:-600}"
    publish
    instrument
    corpus
    # The target is dotnet, not a binary built by afl-cc: AFL cannot see instrumentation in it (SharpFuzz's fork server
    # provides the coverage map). Crashes are exceptions reported through the fork server, so no core pattern is needed.
    AFL_SKIP_BIN_CHECK=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 \
      afl-fuzz -V "$seconds" -i "$work/corpus" -o "$work/afl" -x tests/fuzz/kscn.dict -t 10000 -m none \
      -- dotnet "$work/app/kscn-fuzz.dll" afl || true
    echo "== crashes and hangs, replayed without instrumentation:"
    found=$(find "$work/afl" -path '*crashes/id*' -o -path '*hangs/id*' | sort)
    if [ -n "$found" ]; then
      # shellcheck disable=SC2086
      dotnet "$work/app/kscn-fuzz.dll" replay $found || true
    else
      echo "none"
    fi
    cat "$work/afl/default/fuzzer_stats" 2>/dev/null | grep -E 'execs_done|execs_per_sec|corpus_count|saved_crashes|saved_hangs|run_time|bitmap_cvg' || true
    ;;
  libfuzzer)
    seconds="${1:-600}"
    driver="${LIBFUZZER_DOTNET:-}"
    if [ -z "$driver" ] || [ ! -x "$driver" ]; then
      cat >&2 <<'MSG'
libfuzzer-dotnet is not installed: it is the libFuzzer driver of SharpFuzz, a small C++ file built with clang
(libfuzzer-dotnet.cc of the SharpFuzz project: clang -fsanitize=fuzzer libfuzzer-dotnet.cc -o libfuzzer-dotnet,
with Debian's clang and libfuzzer-NN-dev). It is not a Debian or NuGet package, so this script cannot install it.
Set LIBFUZZER_DOTNET to the built driver and rerun; or use the afl mode (apt-get install afl++).
MSG
      exit 2
    fi
    publish
    instrument
    corpus
    mkdir -p "$work/libfuzzer"
    "$driver" --target_path=dotnet --target_arg="$work/app/kscn-fuzz.dll libfuzzer" -max_total_time="$seconds" \
      -dict=tests/fuzz/kscn.dict -artifact_prefix="$work/libfuzzer/" "$work/libfuzzer" "$work/corpus"
    ;;
  replay)
    [ $# -gt 0 ] || { echo "usage: tests/fuzz/run.sh replay PATH..." >&2; exit 2; }
    dotnet run --project tests/ScenarioLang.Fuzz -c Release -- replay "$@"
    ;;
  *)
    sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac

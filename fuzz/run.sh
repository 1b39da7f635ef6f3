#!/usr/bin/env bash
# Runs Meterline's SharpFuzz targets under AFL++ (docs/fuzzing.md).
#   fuzz/run.sh TARGET SECONDS     one target for SECONDS of fuzzing
#   fuzz/run.sh all SECONDS        every target in turn, SECONDS each
#   fuzz/run.sh list               the targets
# Needs: afl++ (apt-get install afl++), the .NET SDK; the sharpfuzz tool comes from .config/dotnet-tools.json.
# Findings go to fuzz/findings/TARGET/ (ignored by git); crashers and hangs are replayed and appended, as hex, to
# fuzz/regressions/TARGET.tsv (checked in: each line becomes a regression test); each run's figures are appended to
# fuzz/runs.tsv.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
build="$here/.build"
project="$here/Meterline.Fuzz/Meterline.Fuzz.csproj"

usage() { echo "usage: fuzz/run.sh TARGET|all SECONDS | list" >&2; exit 2; }

build_harness() {
  (cd "$root" && dotnet tool restore >/dev/null)
  dotnet build "$project" -c Release -o "$build/bin" -nologo -v quiet >/dev/null
  rm -rf "$build/corpus"
  dotnet "$build/bin/Meterline.Fuzz.dll" seed "$build/corpus"
}

# Instruments a private copy of the harness for one target: only the assemblies of the decoder under test report
# coverage, so AFL++'s map is not flooded by the runtime or the harness.
instrument() {
  local target="$1" dir="$build/$1"
  rm -rf "$dir" && cp -r "$build/bin" "$dir"
  for assembly in $(dotnet "$build/bin/Meterline.Fuzz.dll" assemblies "$target"); do
    (cd "$root" && dotnet tool run sharpfuzz "$dir/$assembly" >/dev/null)
  done
}

run_target() {
  local target="$1" seconds="$2" out="$here/findings/$1"
  instrument "$target"
  local input="$build/corpus/$target"
  if [[ -d "$here/regressions/$target" ]]; then cp "$here/regressions/$target"/* "$input/" 2>/dev/null || true; fi
  mkdir -p "$out"
  echo "== $target: fuzzing for ${seconds}s (findings in ${out#$root/})"
  # dotnet itself carries no AFL instrumentation (SharpFuzz instruments the IL), so the binary check is skipped;
  # containers have no CPU frequency governor or core_pattern to tune.
  AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 \
  AFL_NO_UI=1 AFL_AUTORESUME=1 AFL_FORKSRV_INIT_TMOUT=60000 \
    afl-fuzz -i "$input" -o "$out" -V "$seconds" -t 5000 -m none -- \
      dotnet "$build/$target/Meterline.Fuzz.dll" run "$target" > "$out/afl.log" 2>&1 || {
        echo "afl-fuzz failed, see ${out#$root/}/afl.log" >&2; tail -20 "$out/afl.log" >&2; return 1; }
  report "$target" "$out/default"
}

stat() { grep -E "^$1 " "$2/fuzzer_stats" | sed 's/.*: //'; }

report() {
  local target="$1" dir="$2" regressions="$here/regressions/$target.tsv"
  mkdir -p "$here/regressions"
  local files=()
  for f in "$dir"/crashes/id:* "$dir"/hangs/id:*; do [[ -e "$f" ]] && files+=("$f"); done
  if ((${#files[@]})); then
    for f in "${files[@]}"; do
      timeout 20 dotnet "$build/bin/Meterline.Fuzz.dll" replay "$target" "$f" || true
    done | { grep -E "^finding" || true; } | while IFS=$'\t' read -r _ _ hex what where; do
      grep -q "^$hex	" "$regressions" 2>/dev/null || printf '%s\t%s\t%s\n' "$hex" "$what" "$where" >> "$regressions"
    done
  fi
  local line
  line="$(date -u +%FT%TZ)	$target	$(stat run_time "$dir")	$(stat execs_done "$dir")	$(stat execs_per_sec "$dir")	$(stat corpus_count "$dir")	$(stat saved_crashes "$dir")	$(stat saved_hangs "$dir")"
  [[ -f "$here/runs.tsv" ]] || printf 'finished\ttarget\trun_time_s\texecs\texecs_per_s\tcorpus\tcrashes\thangs\n' > "$here/runs.tsv"
  echo "$line" >> "$here/runs.tsv"
  echo "$line"
}

[[ $# -ge 1 ]] || usage
command -v afl-fuzz >/dev/null || { echo "afl-fuzz not found: apt-get install afl++" >&2; exit 1; }
if [[ "$1" == list ]]; then build_harness >/dev/null; dotnet "$build/bin/Meterline.Fuzz.dll" list; exit 0; fi
[[ $# -eq 2 && "$2" =~ ^[0-9]+$ ]] || usage
build_harness
if [[ "$1" == all ]]; then
  failed=0
  for t in $(dotnet "$build/bin/Meterline.Fuzz.dll" list | awk '{print $1}'); do run_target "$t" "$2" || failed=1; done
  exit "$failed"
else
  run_target "$1" "$2"
fi

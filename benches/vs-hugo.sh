#!/usr/bin/env bash
# surveysite against Hugo (the speed anchor), the same number of pages, on this machine.
#
#   bash benches/vs-hugo.sh [REGIONS...]        (default: 330 1000)
#
# For each size: a SYNTHETIC project (examples/synth.rs: REGIONS regions × 1,000 made-up
# respondents, 4 questions, a 4-group dimension) is built by surveysite, cold (no chart cache, no
# previous site) and then warm (an unchanged rebuild, the common case while editing), and a Hugo
# site with the same number of markdown pages (a paragraph each, one shared layout with a
# header) is built by Debian's hugo. CPU is user + system time (/usr/bin/time), which is what
# the machine spends whatever else runs; the wall clock is noisy here. Prints one table row a
# size: figures, ratios, page sizes and peak memory. The warm and Hugo figures are the medians
# of RUNS (default 5) builds each, taken in turns, both over their own previous output (site/,
# public/). Figures only: nothing here is a test.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(330 1000)
WORK=${BENCH_DIR:-${TMPDIR:-/tmp}/surveysite-vs-hugo}
TARGET=${CARGO_TARGET_DIR:-target}
RUNS=${RUNS:-5}   # warm builds and Hugo builds, taken in turns; the table shows the medians

if ! command -v hugo >/dev/null 2>&1; then
  echo "==> apt-get install hugo" >&2
  SUDO=
  [ "$(id -u)" = 0 ] || SUDO=sudo
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq hugo >/dev/null
fi
[ -x /usr/bin/time ] || { echo "vs-hugo: needs /usr/bin/time (Debian package time)" >&2; exit 2; }

echo "==> cargo build --release (surveysite, examples/synth)" >&2
cargo build --release --locked --quiet --bin surveysite --example synth
BIN=$ROOT/$TARGET/release/surveysite
SYNTH=$ROOT/$TARGET/release/examples/synth

# cpu_of CMD...: runs CMD, prints "user+sys seconds" and "peak KiB" (space separated).
cpu_of() {
  local out
  out=$(mktemp)
  /usr/bin/time -f '%U %S %M' -o "$out" "$@" >/dev/null 2>"$out.err" || { cat "$out.err" >&2; exit 1; }
  awk '{ printf "%.2f %d\n", $1 + $2, $3 }' "$out"
  rm -f "$out" "$out.err"
}

median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# A Hugo site of N pages: the same count as surveysite's, a paragraph of Japanese text each.
hugo_site() {
  local dir=$1 pages=$2
  rm -rf "$dir"
  mkdir -p "$dir/content/p" "$dir/layouts/_default"
  cat >"$dir/hugo.toml" <<'EOF'
baseURL = "https://example.org/"
languageCode = "ja"
title = "ベンチマーク"
disableKinds = ["taxonomy", "term", "RSS", "sitemap"]
EOF
  cat >"$dir/layouts/_default/baseof.html" <<'EOF'
<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><header><a href="{{ "/" | relURL }}">{{ site.Title }}</a></header><main>{{ block "main" . }}{{ end }}</main></body></html>
EOF
  printf '{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}\n' >"$dir/layouts/_default/single.html"
  printf '{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n' >"$dir/layouts/_default/list.html"
  local i
  for ((i = 1; i < pages; i++)); do
    printf -- '---\ntitle: "ページ %d"\n---\n\n地域医療連携システムの導入状況は、**%d病院**のうち一部にとどまります。\n\n- 導入している\n- 導入予定なし\n' \
      "$i" "$i" >"$dir/content/p/page-$i.md"
  done
}

printf '\n| regions | pages | cold CPU | warm CPU | Hugo CPU | warm ÷ Hugo | cold ÷ Hugo | peak memory (cold) | peak memory (warm) | mean page | largest region × question page | largest question page |\n'
printf '|---|---|---|---|---|---|---|---|---|---|---|---|\n'
for n in "${SIZES[@]}"; do
  project=$WORK/synth-$n
  if [ ! -f "$project/data/responses.csv" ]; then
    "$SYNTH" "$project" "$n" 1000 >/dev/null
  fi
  # Cold: as a fresh checkout, with no output, no previous site kept beside it and no cache.
  # They are moved aside, not deleted: ext4 passes over the inodes freed in the last ~35 s when
  # it creates files, so a build right after deleting thousands of files spent seconds of system
  # time in the kernel's `recently_deleted` (5-10 s at 330 regions, where a fresh checkout takes
  # under one). The trash is deleted once every figure is taken.
  trash=$WORK/trash/$n-$$
  mkdir -p "$trash"
  for out in site .site.surveysite .surveysite-cache; do
    [ ! -e "$project/$out" ] || mv "$project/$out" "$trash/"
  done
  read -r cold cold_peak < <(cpu_of "$BIN" build --root "$project")
  read -r _ peak < <(cpu_of "$BIN" build --root "$project")
  pages=$(find "$project/site" -name '*.html' | wc -l)
  bytes=$(find "$project/site" -name '*.html' -printf '%s\n' | awk '{ s += $1 } END { print s }')
  rq=$(find "$project/site/regions" -mindepth 3 -name index.html -printf '%s\n' | sort -n | tail -1)
  qp=$(find "$project/site/questions" -mindepth 2 -name index.html -printf '%s\n' | sort -n | tail -1)
  hugo_dir=$WORK/hugo-$n
  hugo_site "$hugo_dir" "$pages"
  rm -rf "$hugo_dir/public"
  cpu_of hugo --source "$hugo_dir" --quiet >/dev/null   # warm the page cache for hugo too
  # Warm surveysite and Hugo in turns, RUNS times each; the medians go in the table (the load
  # of a shared machine changes from second to second: turns expose both to the same).
  warms=() hugos=()
  for ((k = 0; k < RUNS; k++)); do
    read -r w _ < <(cpu_of "$BIN" build --root "$project")
    # Hugo's unchanged rebuild too: public/ is kept (deleting and re-creating its thousands of
    # files before each run made Hugo's system time grow run after run here: 1.8 s to 4.3 s).
    read -r h _ < <(cpu_of hugo --source "$hugo_dir" --quiet)
    warms+=("$w") hugos+=("$h")
  done
  warm=$(median "${warms[@]}") hugo=$(median "${hugos[@]}")
  echo "    $n regions, warm runs: ${warms[*]} s; Hugo runs: ${hugos[*]} s" >&2
  awk -v n="$n" -v p="$pages" -v c="$cold" -v w="$warm" -v h="$hugo" -v cm="$cold_peak" -v m="$peak" -v b="$bytes" -v rq="$rq" -v qp="$qp" 'BEGIN {
    printf "| %d | %d | %.2f s | %.2f s | %.2f s | %.2f× | %.2f× | %.0f MiB | %.0f MiB | %.0f KB | %.1f KB | %.0f KB |\n",
      n, p, c, w, h, w / h, c / h, cm / 1024, m / 1024, b / p / 1000, rq / 1000, qp / 1000 }'
done
rm -rf "$WORK/trash"
printf '\n(%s; %s)\n' "$(nproc) cores, $(awk -F: '/model name/ { print $2; exit }' /proc/cpuinfo | sed 's/^ *//')" "$(hugo version | cut -d' ' -f1-2)"

#!/usr/bin/env bash
# First search in Chromium on the 1,000-guide bench book: how long loading the search index
# (html/search-index.js) and one search take. Usage:
#   cargo bench --bench build -- --keep /dev/shm/c --runs 1   # makes the book (kept)
#   benches/search/run.sh /dev/shm/c
set -euo pipefail
book=${1:?the bench book folder (cargo bench --bench build -- --keep DIR)}
out=$(mktemp -d)
"$(dirname "$0")/../../target/release/stepbook" build "$book" --dest-dir "$out" --quiet
cp "$(dirname "$0")/probe.html" "$out/html/probe.html"
ls -l "$out/html/search-index.js"
for i in 1 2 3 4 5; do
  profile=$(mktemp -d)
  timeout 60 chromium --headless --no-sandbox --disable-gpu --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --dump-dom "file://$out/html/probe.html" 2>/dev/null |
    grep -o '<p id="out">[^<]*' | sed 's/<p id="out">//'
  rm -rf "$profile"
done
rm -rf "$out"

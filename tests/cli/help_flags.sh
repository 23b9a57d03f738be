#!/usr/bin/env bash
# Every flag the documentation uses is in the help of its command: each
# `simcluster run|plan|merge|validate|calibrate ...` in README.md, scenarios/README.md and docs/
# (continuation lines joined; the text up to a pipe, && or ;) has each of its flags in
# `simcluster COMMAND --help`. And `simcluster --help` lists, in each command's usage
# lines, every flag of that command's own help (a "-x, --long" pair by either form).
# Usage: help_flags.sh SIMCLUSTER_BINARY   (from the repository root)
source "$(dirname "$0")/common.bash"
commands=(run plan merge validate calibrate)
for c in "${commands[@]}"; do
  "$bin" "$c" --help >"$tmp/$c.help" || bad "simcluster $c --help failed"
done
"$bin" --help >"$tmp/top.help" || bad "simcluster --help failed"

# Does help file $1 name flag $2 (as a whole flag, not a prefix of a longer one)?
names() { grep -qE -- "(^|[^a-zA-Z0-9-])$2([^a-zA-Z0-9-]|$)" "$1"; }

checked=0
while IFS= read -r use; do
  cmd=$(awk '{print $2}' <<<"$use")
  for flag in $(grep -oE -- '(^| |\[)--?[a-zA-Z][a-zA-Z0-9-]*' <<<"$use" | tr -d ' ['); do
    [[ $flag == --* ]] || flag=${flag:0:2}  # -ojson is -o
    checked=$((checked + 1))
    names "$tmp/$cmd.help" "$flag" || bad "'$flag' (in: $use) is not in 'simcluster $cmd --help'"
  done
done < <(for f in README.md scenarios/README.md docs/*.md docs/*/*.md; do
  [[ -f $f ]] && sed -e ':a' -e '/\\$/N; s/\\\n */ /; ta' "$f"
done | grep -oE 'simcluster (run|plan|merge|validate|calibrate)( [^|;&`]*)?')
if ((checked > 40)); then ok "the $checked flags the docs use are in their command's help"; else
  bad "only $checked flags found in the docs: the extraction broke"; fi

for c in "${commands[@]}"; do
  # The command's usage lines in the top-level help.
  awk -v c="$c" '$1 == "simcluster" { on = ($2 == c) } /^$/ { on = 0 } on' "$tmp/top.help" \
    >"$tmp/top.$c"
  sed -n '/^Flags:/,/^$/p' "$tmp/$c.help" | grep -E '^ +-' >"$tmp/flags.$c"
  [[ -s "$tmp/flags.$c" ]] || bad "simcluster $c --help has no Flags section"
  while IFS= read -r line; do
    short=$(grep -oE '^ +-[a-zA-Z]\b' <<<"$line" | tr -d ' ')
    long=$(grep -oE -- '--[a-z][a-z0-9-]*' <<<"$line" | head -1)
    [[ $short == -h || $long == --help || -z "$short$long" ]] && continue
    if ! { [[ -n $short ]] && names "$tmp/top.$c" "$short"; } &&
       ! { [[ -n $long ]] && names "$tmp/top.$c" "$long"; }; then
      bad "simcluster --help omits '${short:-$long}' of '$c' ($line)"
    fi
  done <"$tmp/flags.$c"
done
((fail == 0)) && ok "simcluster --help lists every flag of every command"
if grep -q '^Examples:' "$tmp/calibrate.help" && grep -q 'simcluster calibrate --rate' "$tmp/calibrate.help"; then
  ok "calibrate --help has examples"
else
  bad "calibrate --help has no examples"
fi
exit $fail

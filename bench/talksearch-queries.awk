# The engine bench's queries.tsv ("class<TAB>words<TAB>year") in talksearch's query syntax
# ("class<TAB>query"): phrases quoted, prefixes starred, a year as year:Y.
# Used by scripts/bench and scripts/bench-delta.
BEGIN { FS = "\t" }
/^#/ { next }
{
  q = $2
  if ($1 == "phrase") q = "\"" $2 "\""
  else if ($1 == "prefix") q = $2 "*"
  if ($3 != "") q = q " year:" $3
  print $1 "\t" q
}

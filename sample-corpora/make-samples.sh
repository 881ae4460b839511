#!/usr/bin/env bash
# Rebuilds the compressed sample corpora from the readable sources under */source/.
# Needs gzip, zstd, bzip2, zip and 7z (p7zip-full). Output is deterministic (no timestamps in gzip/zip headers),
# so rerunning it leaves git clean. Run from anywhere: bash sample-corpora/make-samples.sh
set -euo pipefail
cd "$(dirname "$0")"

# books: one plain .txt (current markers, committed as is), one .txt.gz (1990s markers),
# one .zip holding a book without any Gutenberg markers
gzip -9 -n -c books/source/pg-sample-treatise-on-bees.txt > books/pg-sample-treatise-on-bees.txt.gz
rm -f books/on-rivers.zip
touch -d '2020-01-01T00:00:00Z' books/source/on-rivers.txt
(cd books/source && zip -q -X -9 ../on-rivers.zip on-rivers.txt)

# reddit: compressed from a pipe with --long=31, as the Pushshift dumps are, so the frame
# declares a 2 GiB window that decoders refuse unless told to accept it
for f in RC_2019-01 RS_2019-01; do
  cat "reddit/source/$f.ndjson" | zstd -q -3 --long=31 -f -o "reddit/$f.zst"
done
# reddit links: link submissions for the reddit_links reader (in their own folder, so the
# reddit reader's inputs stay as they are)
cat reddit/links/source/RS_2019-02.ndjson | zstd -q -3 --long=31 -f -o reddit/links/RS_2019-02.zst

# wikipedia: three concatenated bzip2 streams (siteinfo, pages, pages + footer), the layout of
# the *-pages-articles-multistream.xml.bz2 dumps
: > wikipedia/enwiki-sample-pages-articles.xml.bz2
for part in part1-siteinfo part2-pages part3-pages; do
  bzip2 -9 -c "wikipedia/source/$part.xml" >> wikipedia/enwiki-sample-pages-articles.xml.bz2
done

# jsonl: two gzip members (as `cat a.gz b.gz` makes), one malformed line and one without text
head -n 5 jsonl/source/sample.jsonl | gzip -9 -n > jsonl/sample.jsonl.gz
tail -n +6 jsonl/source/sample.jsonl | gzip -9 -n >> jsonl/sample.jsonl.gz

# stackexchange: a site archive as the dumps ship them (<site>.7z holding Posts.xml), made by
# the 7z command with no timestamps stored, so the archive is the same bytes every time
rm -f stackexchange/beer.stackexchange.com.7z
(cd stackexchange/source/beer.stackexchange.com && 7z a -bd -bso0 -mx=9 -mtm=off -mtc=off -mta=off ../../beer.stackexchange.com.7z Posts.xml)

ls -l books/*.* reddit/*.zst reddit/links/*.zst wikipedia/*.bz2 jsonl/*.gz stackexchange/*.7z

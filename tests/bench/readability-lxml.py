"""Runs readability-lxml (Debian's python3-readability) over one extraction benchmark dataset.

Usage: /usr/bin/python3 readability-lxml.py DATASET.jsonl.gz
Prints one JSON object: {"cpu_s": seconds of CPU for the extraction alone, "texts": {id: text}}.
"""
import gzip
import json
import sys
import time

import lxml.html
from readability import Document


def main() -> None:
    pages = [json.loads(line) for line in gzip.open(sys.argv[1], "rt", encoding="utf8")]
    texts = {}
    start = time.process_time()
    for page in pages:
        try:
            summary = Document(page["html"]).summary(html_partial=True)
            texts[page["id"]] = lxml.html.fromstring(summary).text_content() if summary.strip() else ""
        except Exception:  # a page it cannot parse counts as empty, as the benchmarks score it
            texts[page["id"]] = ""
    json.dump({"cpu_s": time.process_time() - start, "texts": texts}, sys.stdout)


main()

# sluice: the two commands a new machine needs are `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

NODE_MODULES := node_modules/.sluice-installed
DIST := dist/.sluice-built
SRC := $(shell find src -name '*.ts' -o -name '*.json' 2>/dev/null)
RUN_DEPS := .cache/system-deps-run
TEST_DEPS := .cache/system-deps-test
BENCH_BUILD := .cache/bench/.sluice-built
BENCH := node --expose-gc .cache/bench/tests/bench/main.js
PIPELINE ?= pipelines/default.yaml
OUT ?= out/default

.PHONY: help install build run test bench bench-full crash-test pipelines lint format typecheck schema clean system-deps

help:
	@echo "make run        install what is missing, run $(PIPELINE) on sample-corpora into $(OUT), print stats"
	@echo "make test       install what is missing, run the test suite"
	@echo "make bench      benchmarks (table on stdout, JSON under .bench/); make bench-full: the issues' full sizes"
	@echo "make crash-test 50 runs SIGKILLed at random moments and resumed, each checked byte-identical to an uninterrupted run (SEED=N repeats the kill delays)"
	@echo "make profile    CPU profile of a run (PIPELINE=, RUN_ARGS=--workers 2): .bench/profile/*.cpuprofile and the top functions"
	@echo "make pipelines  run every pipeline under pipelines/"
	@echo "make lint       eslint, import layers and cycles (dependency-cruiser), prettier --check; make format rewrites what prettier flags"
	@echo "make typecheck | schema | clean"

$(NODE_MODULES): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: $(NODE_MODULES)

# Debian packages, installed when run as root: running needs zstd and lbzip2; the tests and
# benchmarks also python3-torch and Slurm (about a gigabyte), so `make run` does not install those.
$(RUN_DEPS): .ci/system-deps.sh
	bash .ci/system-deps.sh run
	@mkdir -p $(dir $@) && touch $@

$(TEST_DEPS): .ci/system-deps.sh
	bash .ci/system-deps.sh test
	@mkdir -p $(dir $@) && touch $@

system-deps: $(TEST_DEPS)

$(DIST): $(NODE_MODULES) $(SRC) $(wildcard src/filters/data/* src/filters/data/*/*) .config/tsconfig.build.json tsconfig.json
	npm run --silent build
	@touch $@

build: $(DIST)

run: $(DIST) $(RUN_DEPS)
	node dist/cli/main.js run $(PIPELINE) --out $(OUT) --fresh
	node dist/cli/main.js report $(OUT)

test: $(DIST) $(TEST_DEPS)
	NO_COLOR=1 npx vitest run --config .config/vitest.config.ts $(VITEST_ARGS)

# The benchmarks (tests/bench/, see its README) are compiled with the sources they measure into
# .cache/bench, beside a copy of src/ and tests/ for their data files, so every process they start
# runs plain JavaScript as a user's run does (tsx's loader thread would add about 40 MiB to each);
# they also need dist/: the core, loader and crash entries start the built CLI.
$(BENCH_BUILD): $(NODE_MODULES) $(SRC) $(shell find tests/bench tests/corpora tests/redact/eval -name '*.ts' 2>/dev/null) .config/tsconfig.bench.json
	rm -rf .cache/bench && mkdir -p .cache/bench && cp -r src tests .cache/bench/
	npx tsc -p .config/tsconfig.bench.json
	@touch $@

bench: $(DIST) $(BENCH_BUILD) $(TEST_DEPS)
	$(BENCH) $(BENCH_ARGS)

# the sizes the issues name: 100 MB of web text for filters, 1M documents for dedup, 100 MB of tokenizer training
bench-full:
	$(MAKE) bench BENCH_ARGS=--full

# the bench's crash entry alone, at its full trial count; exits non-zero on any mismatch
crash-test: $(DIST) $(BENCH_BUILD) $(TEST_DEPS)
	$(BENCH) --only crash --full $(if $(SEED),--seed $(SEED))

# CPU profile of a run, leader and workers (--cpu-prof is passed on to the workers; NODE_OPTIONS
# may not carry it): .cpuprofile files under .bench/profile/ (Chrome DevTools opens them), and the
# top functions by self time on stdout. PIPELINE, OUT and RUN_ARGS (e.g. --workers 2) as for run.
profile: $(DIST)
	rm -rf .bench/profile
	node --cpu-prof --cpu-prof-dir=.bench/profile dist/cli/main.js run $(PIPELINE) --out $(OUT)-profile --fresh $(RUN_ARGS) > /dev/null
	node --import tsx tests/bench/profile-top.ts .bench/profile/*.cpuprofile

# pipelines/gpt3-quality.yaml needs its classifier trained first
pipelines: classifier-model
pipelines: $(DIST) $(RUN_DEPS)
	@set -e; for p in pipelines/*.yaml; do \
	  name=$$(basename $$p .yaml); echo "== $$p -> out/$$name"; \
	  node dist/cli/main.js run $$p --out out/$$name --fresh; done

# The quality classifier pipelines/gpt3-quality.yaml applies, trained the GPT-3 way: the wikipedia
# and books pipelines' outputs are the positives (hq), the web pipeline's the negatives (cc)
.PHONY: classifier-model
classifier-model: $(DIST) $(RUN_DEPS)
	@set -e; for p in wikipedia books web; do \
	  node dist/cli/main.js run pipelines/$$p.yaml --out out/classifier-data/$$p --fresh; done
	node dist/cli/main.js classifier train --label hq=out/classifier-data/wikipedia,out/classifier-data/books \
	  --label cc=out/classifier-data/web --out out/classifiers/gpt3-quality.bin --dim 32 --epoch 50 --lr 0.5 --wordNgrams 2 --bucket 200000 --valid 0

# eslint; then the import layers and cycles (.config/dependency-cruiser.cjs); then formatting
lint: $(NODE_MODULES)
	npx eslint -c .config/eslint.config.js .
	npx depcruise src --config .config/dependency-cruiser.cjs --output-type err-long
	npx prettier --check . --config .config/prettier.json --ignore-path .config/prettierignore

# rewrites every file Prettier checks (what `make lint` asks for)
format: $(NODE_MODULES)
	npx prettier --write . --config .config/prettier.json --ignore-path .config/prettierignore

typecheck: $(NODE_MODULES)
	npx tsc -p tsconfig.json --noEmit

schema: $(DIST)
	node dist/cli/main.js schema > pipelines/sluice.schema.json

clean:
	rm -rf dist out .bench .cache

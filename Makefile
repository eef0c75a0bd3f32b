# nim-migrate — every command an operator or developer needs.
#
#   make                 build the tool (debug)
#   make migrate         run (or resume) PIPELINE; starts the local NIM emulator when the pipeline asks for it
#   make dry-run         the plan of PIPELINE (state/NAME/plan.md, plan.html), nothing sent to the target
#   make pull            copy PIPELINE's Easemob app (source.pull) into source.path; starts a local Easemob
#                        emulator when the pipeline names one (default PIPELINE here: pipelines/easemob-pull.yaml)
#   make status          progress of PIPELINE from its state database
#   make test            the whole test suite (CI runs exactly this)
#   make bench           the benchmarks (release build): throttle, checkpoint, history vs jq, plan accuracy
#   make soak            the crash and fault campaigns at a larger scale (100 kills, 30,000 messages), serve at 5,000 messages, a 60 s outage, a 20,000-item coexistence week, 25 kills of pull and a 60 s Easemob outage
#   make sample          regenerate the bundled sample export (deterministic)
#   make emulator        a NIM emulator on 127.0.0.1:18080 in the foreground
#   make lint            swift format lint (when the toolchain has it)
#   make dashboard-check serve's Grafana dashboard and alert rules name only metrics /metrics serves;
#                        promtool check/test rules (skipped, with a message, when promtool is absent)
#   make clean           remove build products and run state
#
# PIPELINE defaults to pipelines/sample.yaml; override with make migrate PIPELINE=pipelines/acme.yaml

PIPELINE ?= pipelines/sample.yaml
SWIFT ?= swift
BIN := .build/debug/nim-migrate

.PHONY: all build migrate dry-run pull status test bench soak sample emulator lint dashboard-check clean

all: build

build:
	$(SWIFT) build

migrate: build
	@scripts/migrate run "$(PIPELINE)"

dry-run: build
	@scripts/migrate plan "$(PIPELINE)"

pull: build
	@scripts/migrate pull "$(if $(filter command line,$(origin PIPELINE)),$(PIPELINE),pipelines/easemob-pull.yaml)"

status: build
	@$(BIN) status "$(PIPELINE)"

test:
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

bench:
	@scripts/bench

soak:
	$(SWIFT) build --build-tests
	CAMPAIGN_USERS=600 CAMPAIGN_MESSAGES=30000 CAMPAIGN_KILLS=100 KILL_SEED=$${KILL_SEED:-} \
		$(SWIFT) test --skip-build --filter 'PipelineCampaignTests|HistoryResumeTests|KillResumeTests'
	SERVE_LOAD_MESSAGES=5000 $(SWIFT) test --skip-build --filter sustainedLoadAtAHundredPerSecond
	OUTAGE_SECONDS=60 $(SWIFT) test --skip-build --filter anOutageIsAPauseNotAFailure
	SERVE_WEEK_ITEMS=20000 SERVE_WEEK_KILLS=10 $(SWIFT) test --skip-build --filter CoexistenceWeekTests
	PULL_KILLS=25 PULL_OUTAGE_SECONDS=60 $(SWIFT) test --skip-build --filter 'PullKillTests|EasemobPullTests'

sample: build
	rm -rf pipelines/sample/export
	$(BIN) generate-sample --out pipelines/sample/export

emulator: build
	$(BIN) emulator --port 18080 --state state/emulator.sqlite

lint:
	$(SWIFT) format lint --strict -r Sources Tests

dashboard-check:
	@if command -v python3 >/dev/null 2>&1; then scripts/check-dashboard; \
	else echo "dashboard-check: python3 not found, name check skipped"; fi
	@if command -v promtool >/dev/null 2>&1; then \
		promtool check rules docs/prometheus/serve-alerts.yml && \
		promtool test rules docs/prometheus/serve-alerts.test.yml; \
	else echo "dashboard-check: promtool not found (apt-get install prometheus), rule checks skipped"; fi

clean:
	rm -rf .build state/*.sqlite* state/*.lock
	find state -mindepth 1 -maxdepth 1 -type d -exec rm -rf {} +

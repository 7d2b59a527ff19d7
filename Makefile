# Every target wraps an npm script or a node entry point so CI and people run the same thing.
.PHONY: install build test ci lint fmt typecheck unit run bench soak image golden-update clean \
  test-static eslint prettier checked-build

NPM ?= npm

install:
	$(NPM) ci

node_modules/.package-lock.json: package-lock.json
	$(NPM) ci

build: node_modules/.package-lock.json
	$(NPM) run build

lint: node_modules/.package-lock.json
	$(NPM) run lint

typecheck: node_modules/.package-lock.json
	$(NPM) run typecheck

fmt:
	$(NPM) run fmt

VITEST = npx vitest run --reporter=default --reporter=json --outputFile.json=test-results.json; \
  status=$$?; node .ci/summary.mjs test-results.json; exit $$status

# The tests run the built CLI with plain node, so build first.
unit: build
	$(VITEST)

# Lint, format check, typecheck and build, then every test. The four checks are single-threaded
# processes, so they run side by side (-j3) instead of leaving a core idle for most of a minute.
# The build after the typecheck emits without checking again (--noCheck): tsconfig.check.json
# extends tsconfig.json with the same compiler options and covers every file the build emits, and
# with isolatedModules the emitted JavaScript does not depend on types.
test: node_modules/.package-lock.json
	$(MAKE) --no-print-directory -j3 test-static
	$(VITEST)

test-static: eslint prettier checked-build

eslint:
	npx eslint .

prettier:
	npx prettier --check .

checked-build: typecheck
	npx tsc -p tsconfig.json --noCheck

# What CI runs: npm ci and make test, on a Node meeting engines.node (fetched when the machine's is older).
ci:
	.ci/run

# Main job: a development certificate for 127.0.0.1/localhost, then the webhook on https://127.0.0.1:8443.
run: build
	node dist/cli/main.js certs generate --hosts 127.0.0.1,localhost --out .dev/certs --if-missing
	AGENT_INJECT_VAULT_ADDR=$${AGENT_INJECT_VAULT_ADDR:-https://vault.vault.svc:8200} \
	  node dist/cli/main.js serve --listen 127.0.0.1:8443 \
	  --tls-cert-file .dev/certs/tls.crt --tls-key-file .dev/certs/tls.key --tls-ca-cert-file .dev/certs/ca.crt

bench: build
	node bench/run.mjs

soak: build
	node bench/soak.mjs

image:
	docker build -t vault-injector:dev .

golden-update: build
	UPDATE_GOLDEN=1 npx vitest run test/golden test/corpus

clean:
	rm -rf dist test-results.json

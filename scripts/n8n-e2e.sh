#!/usr/bin/env bash
# End-to-end in a real n8n process: builds the package, starts the test services, installs each
# requested n8n line (cached outside the repo) and runs the e2e tier against it.
#   bash scripts/n8n-e2e.sh        → n8n 1.123.81 (Node 20)
#   bash scripts/n8n-e2e.sh 1 2    → and n8n 2.41.1 (Node 24)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
npm run build >/dev/null
bash scripts/services.sh up
for line in "${@:-1}"; do
	bash scripts/n8n-install.sh "$line" >/dev/null
	N8N_LINE="$line" npx jest --selectProjects e2e
done

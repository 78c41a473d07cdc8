# 干部挂职锻炼管理系统 — the two commands: `make run` (the demo) and `make test` (the whole suite).
#
#   make run     create .venv, install, migrate, seed the demo, start worker + beat + web (demo mode)
#   make test    install the test dependencies, run every test (DATABASE_URL/REDIS_URL as set)
#   make check   `check --deploy` with production settings, and no missing migrations
#   make lint    ruff: syntax errors, undefined names, unused imports
#
# Variables: PYTHON (python3.11), HOST (127.0.0.1, this machine only), PORT (8000), PYTEST_ARGS,
#            PYTEST_WORKERS (auto), SEED_DEMO_ARGS (e.g. --force: seed a demo database that also
#            holds accounts of its own).

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.ONESHELL:
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# pytest-xdist processes (one per core by default; 0 runs in this process). Each test file stays
# on one process (--dist loadfile), so a module's demo data is seeded once.
PYTEST_WORKERS ?= auto
SEED_DEMO_ARGS ?=

# WeasyPrint (registration forms, archives as PDF) needs Pango and HarfBuzz's subsetter, and the
# PDFs need a Chinese font. Debian package names.
SYSTEM_PACKAGES ?= fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0

.PHONY: help run test check lint system-packages venv clean

help:
	@sed -n '1,10p' Makefile | sed 's/^# \{0,1\}//'

# --- the virtual environment --------------------------------------------------------------------

$(VENV)/bin/python:
	@python=$$(command -v $(PYTHON) || true)
	if [ -z "$$python" ] && command -v python3 >/dev/null \
	   && python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
	  python=$$(command -v python3)
	  echo "$(PYTHON) 未找到,改用 $$python ($$($$python --version))。"
	fi
	if [ -z "$$python" ]; then
	  echo "需要 Python 3.11 ($(PYTHON)),但未找到。请先安装,或用 make PYTHON=/path/to/python3.11 指定。" >&2
	  exit 1
	fi
	echo "创建虚拟环境 $(VENV) ($$($$python --version))"
	"$$python" -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	@echo "安装运行依赖 requirements.txt"
	$(PY) -m pip install --disable-pip-version-check --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt $(VENV)/.installed
	@echo "安装测试依赖 requirements-dev.txt"
	$(PY) -m pip install --disable-pip-version-check --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

# --- system packages ----------------------------------------------------------------------------

# Installs what is missing when run as root with apt-get; otherwise says exactly what is missing.
system-packages:
	@if ! command -v dpkg-query >/dev/null; then
	  echo "无法检查系统软件包(不是 Debian/Ubuntu)。请确认已安装: $(SYSTEM_PACKAGES)"
	  exit 0
	fi
	missing=""
	for pkg in $(SYSTEM_PACKAGES); do
	  dpkg-query -W -f='$${Status}' "$$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$pkg"
	done
	if [ -z "$$missing" ]; then exit 0; fi
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
	  echo "安装缺少的系统软件包:$$missing"
	  export DEBIAN_FRONTEND=noninteractive
	  apt-get update -qq
	  apt-get install -y -qq --no-install-recommends $$missing
	else
	  echo "缺少系统软件包:$$missing" >&2
	  echo "请以 root 身份运行: apt-get install -y$$missing" >&2
	  echo "(缺少它们时系统照常运行,但无法生成 PDF 登记表和档案。)" >&2
	fi

# --- make run: the demo on the embedded default --------------------------------------------------

run: $(VENV)/.installed system-packages
	@export DJANGO_SETTINGS_MODULE=secondment.settings DJANGO_DEMO=1 DJANGO_DEBUG=0
	# Demo mode (secondment/settings.py): DEBUG off, so no debug page is ever shown; plain HTTP
	# answered for this machine only; a secret generated once into var/demo-secret-key. The demo
	# accounts share a published password, so the demo never listens beyond the loopback address.
	case "$(HOST)" in
	  127.*|localhost|::1) ;;
	  *) echo "演示系统只在本机回环地址上运行(HOST=127.0.0.1 或 localhost),不能用 $(HOST):演示账号的密码是公开的。" >&2
	     exit 1 ;;
	esac
	# The embedded default: SQLite in the project folder and, without REDIS_URL, kombu's
	# filesystem transport under var/celery. DATABASE_URL / REDIS_URL are honoured when set.
	echo "数据库: $${DATABASE_URL:-SQLite (db.sqlite3)};消息代理: $${REDIS_URL:-文件系统 (var/celery)}"
	if ! $(PY) -c 'import socket,sys; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind((sys.argv[1], int(sys.argv[2])))' $(HOST) $(PORT) 2>/dev/null; then
	  echo "端口 $(HOST):$(PORT) 已被占用。换一个端口: make run PORT=8001" >&2
	  exit 1
	fi
	# WhiteNoise warns at every start when the static root is missing; the demo serves from the apps.
	mkdir -p var/log var/celery "$${DJANGO_STATIC_ROOT:-staticfiles}"
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo $(SEED_DEMO_ARGS)
	pids=()
	stop_background() {
	  trap - EXIT INT TERM HUP
	  echo "停止后台任务进程 (worker, beat)…"
	  for pid in "$${pids[@]}"; do kill -TERM "$$pid" 2>/dev/null || true; done
	  for _ in $$(seq 1 80); do
	    alive=0
	    for pid in "$${pids[@]}"; do kill -0 "$$pid" 2>/dev/null && alive=1; done
	    [ "$$alive" = 0 ] && break
	    sleep 0.25
	  done
	  for pid in "$${pids[@]}"; do kill -KILL "$$pid" 2>/dev/null || true; done
	}
	trap stop_background EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 129' HUP
	$(VENV)/bin/celery -A secondment worker --loglevel=INFO --concurrency=2 \
	  --without-mingle --without-gossip -n demo-worker@%h >var/log/worker.log 2>&1 &
	pids+=($$!)
	$(VENV)/bin/celery -A secondment beat --loglevel=INFO \
	  --schedule var/celery/beat-schedule >var/log/beat.log 2>&1 &
	pids+=($$!)
	printf '%s\n' "" \
	  "  干部挂职锻炼管理系统已启动: http://$(HOST):$(PORT)/" \
	  "    管理后台 http://$(HOST):$(PORT)/admin/    登录 http://$(HOST):$(PORT)/accounts/login/" \
	  "    健康检查 http://$(HOST):$(PORT)/healthz" \
	  "  演示账号见上方列表,密码均为 demo-pass-2026:admin、orgstaff(晋城市委组织部)、countystaff(泽州县委组织部)、" \
	  "    hostunit(泽州县乡镇接收单位审批人)、cadre(挂职干部)、sendunit(派出单位联系人)……;演示流程见 README.md“演示账号”。" \
	  "  演示模式:只接受本机访问,不显示调试页面。" \
	  "  后台任务日志: var/log/worker.log, var/log/beat.log" \
	  "  按 Ctrl-C 停止(worker 和 beat 随之停止)。" ""
	$(PY) manage.py runserver $(HOST):$(PORT)

# --- make test: the whole suite ------------------------------------------------------------------

test: $(VENV)/.installed-dev
	@echo "数据库: $${DATABASE_URL:-SQLite(内存)};消息代理: $${REDIS_URL:-文件系统(临时目录),需要 Redis 的 worker 测试将跳过}"
	status=0
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS) || status=$$?
	if [ "$$status" = 5 ]; then echo "pytest 没有收集到任何测试 (exit 5):这不算通过。" >&2; fi
	exit "$$status"

# --- make check: production settings and migrations ----------------------------------------------

check: $(VENV)/.installed
	@export DJANGO_SETTINGS_MODULE=secondment.settings DJANGO_DEBUG=0 DJANGO_ALLOWED_HOSTS=example.org
	export DJANGO_SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')"
	$(PY) manage.py check --deploy --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run

lint: $(VENV)/.installed-dev
	@$(VENV)/bin/ruff check --output-format=concise --select E9,F --extend-exclude '*/migrations/*' .

clean:
	@rm -rf var staticfiles .pytest_cache test-results
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +

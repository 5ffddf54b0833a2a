# syntax=docker/dockerfile:1
# Stage 1: build a wheel-based virtualenv with the bot and its dependencies.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python -m venv /opt/venv
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY fakebotapi ./fakebotapi
RUN /opt/venv/bin/pip install .

# Stage 2: the slim runtime, as a non-root user.
FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    ONESTOP_CONTENT_DIR=/app/content \
    DATABASE_URL=sqlite+aiosqlite:////app/var/onestop.sqlite3 \
    WEBHOOK_PORT=8443
RUN useradd --create-home --uid 10001 onestop
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY content ./content
# var/ holds SQLite and the dev key; sponsors/ is replaced by `onestop sponsors import`.
RUN mkdir -p /app/var && chown onestop:onestop /app/var /app/content/sponsors
USER onestop
EXPOSE 8443
# /healthz answers in webhook mode (the mode a container normally runs in).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"WEBHOOK_PORT\", \"8443\")}/healthz', timeout=4)" || exit 1
# Migrations run first (also safe with several replicas), then the bot in webhook mode.
CMD ["sh", "-c", "onestop migrate && exec onestop run --webhook"]

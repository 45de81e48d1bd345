# Build stage: a wheel of Redress and its pinned dependencies.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY app ./app
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

# Runtime: slim, non-root. Migrations are a separate step: `docker compose run api redress migrate`.
FROM python:3.11-slim
# What WeasyPrint loads to make letters' PDFs (scripts/ensure-letters.sh lists the same).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 10001 redress
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/* && rm -rf /wheels
WORKDIR /srv/redress
COPY alembic.ini ./
COPY alembic ./alembic
# The master key file lives on a volume of its own, shared by the API and the worker (in
# production set REDRESS_MASTER_KEY from a secret store instead).
RUN mkdir -p /var/lib/redress && chown -R redress /srv/redress /var/lib/redress
USER redress
ENV REDRESS_HOST=0.0.0.0 REDRESS_PORT=8000 REDRESS_MASTER_KEY_FILE=/var/lib/redress/master.key
EXPOSE 8000
CMD ["redress", "serve"]

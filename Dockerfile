# Build stage: a wheel of Redress and its pinned dependencies.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY app ./app
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

# Runtime: slim, non-root. Migrations are a separate step: `docker compose run api redress migrate`.
FROM python:3.11-slim
RUN useradd --create-home --uid 10001 redress
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/* && rm -rf /wheels
WORKDIR /srv/redress
COPY alembic.ini ./
COPY alembic ./alembic
RUN chown -R redress /srv/redress
USER redress
ENV REDRESS_HOST=0.0.0.0 REDRESS_PORT=8000
EXPOSE 8000
CMD ["redress", "serve"]

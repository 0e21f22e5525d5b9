# The archive under gunicorn; docker-compose.yml wires it to PostgreSQL.
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 VAR_DIR=/data
WORKDIR /app
COPY pyproject.toml README.md ./
COPY archive ./archive
COPY articles ./articles
# With the Elasticsearch client, so the compose `search` profile works as it is.
RUN pip install --no-cache-dir '.[elasticsearch]'
COPY . .
RUN DEBUG=0 SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput
EXPOSE 8000
CMD ["gunicorn", "archive.wsgi", "--bind", "0.0.0.0:8000", "--workers", "2", "--threads", "4"]

# Rolo's web image: Django under gunicorn, static files served by whitenoise.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /app

# Pinned, hash-checked dependencies first, so code changes reuse this layer.
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock \
    && apt-get update -qq && apt-get install -y -qq --no-install-recommends gettext libpango-1.0-0 libpangoft2-1.0-0 \
    && rm -rf /var/lib/apt/lists/*

COPY . .

# Static files are collected into the image (hashed names, compressed) for whitenoise.
# The key below exists only for this build step; the container gets its own SECRET_KEY.
RUN DEBUG=false SECRET_KEY=collectstatic-only-not-a-secret python manage.py collectstatic --noinput \
    && DEBUG=false SECRET_KEY=collectstatic-only-not-a-secret python manage.py compilemessages \
    && useradd --system --uid 1000 --home-dir /app rolo \
    && mkdir -p /app/media && chown rolo /app/media

USER rolo
EXPOSE 8000

# gunicorn.conf.py holds the worker model (threaded workers, timeouts, recycling) and
# leaves out the Server header; WEB_CONCURRENCY and GUNICORN_THREADS size it.
CMD ["gunicorn", "--config", "gunicorn.conf.py", "config.wsgi:application"]

# tierboard as a team service: `docker build -t tierboard .`, or `docker compose up` (compose.yaml).
# Configure it with TIERBOARD_* variables or a tierboard.toml mounted at /app/tierboard.toml
# (README, "Team service"); sign-in secrets go in /app/.streamlit/secrets.toml, mounted too.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, from pyproject.toml alone with empty packages in place of the code, so a
# code change does not reinstall them (this layer is rebuilt only when pyproject.toml changes).
COPY pyproject.toml README.md ./
RUN mkdir lib ui && touch lib/__init__.py ui/__init__.py \
    && pip install . \
    && rm -rf lib ui build *.egg-info

COPY app.py ./
COPY pages ./pages
COPY ui ./ui
COPY lib ./lib
COPY data ./data
COPY .streamlit ./.streamlit
# The code itself (the `tierboard` command); the app runs from /app either way.
RUN pip install --no-deps . && rm -rf build *.egg-info

# Never as root. /data holds the embedded SQLite scenario store when no PostgreSQL is set.
RUN useradd --create-home --uid 10001 tierboard \
    && mkdir -p /data && chown tierboard:tierboard /data
USER tierboard
ENV HOME=/home/tierboard \
    TIERBOARD_DATA_DIR=/data
VOLUME ["/data"]

EXPOSE 8501
# python:3.11-slim has no curl: ask Streamlit's health endpoint with the standard library.
HEALTHCHECK --interval=30s --timeout=5s --start-period=40s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://localhost:8501/_stcore/health', timeout=4).status == 200 else 1)"]

# The launcher (ui/serve.py): TCP_NODELAY and the GC setting, as `make run` / `make serve`.
CMD ["python", "-m", "ui.serve", "--server.address", "0.0.0.0", "--server.headless", "true"]

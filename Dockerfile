# rnnviz in a container: one `streamlit run app.py` process (one core's worth; see README,
# "Deploying for a class"). Build and run:
#   docker build -t rnnviz .
#   docker run --rm -p 8501:8501 rnnviz          # then open http://localhost:8501
# For more students run several containers behind a load balancer with sticky sessions
# (deploy/nginx.conf shows what has to be sticky and why).
FROM python:3.11-slim

# MALLOC_ARENA_MAX=2: two glibc malloc arenas instead of up to 8 per core, so memory freed
# after a class can go back to the system (README, "Deploying for a class", "Memory").
ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    OPENBLAS_NUM_THREADS=1 \
    MALLOC_ARENA_MAX=2

WORKDIR /app

# A CJK font: the app draws nothing itself (charts render in the students' browsers, which
# bring their own fonts), but screenshots or image exports made inside the container would
# show the Chinese pages (lang=zh) as empty boxes without one.
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-noto-cjk \
 && rm -rf /var/lib/apt/lists/*

# torch first, from PyTorch's CPU-only index: PyPI's torch wheel pulls ~3 GB of CUDA
# libraries no lesson uses. requirements.txt then finds torch==2.13.0 satisfied
# (2.13.0+cpu) and installs the other exact pins.
COPY requirements.txt ./
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0 \
 && pip install -r requirements.txt

COPY app.py ./
COPY .streamlit ./.streamlit
COPY pages ./pages
COPY rnnviz ./rnnviz

# Not root: the app needs no privilege and writes nothing but its own temp files.
RUN useradd --create-home --uid 10001 rnnviz
USER rnnviz

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD python -c "import sys, urllib.request; r = urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4); sys.exit(0 if r.read().strip() == b'ok' else 1)"

CMD ["streamlit", "run", "app.py", "--server.port=8501", "--server.address=0.0.0.0", "--server.fileWatcherType=none"]

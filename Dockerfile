# syntax=docker/dockerfile:1
# The polaris-k8s-sync image (README): the official Deno image, the controller's modules and
# their npm dependencies cached at build time from the lockfile (nothing is downloaded at
# start-up), a non-root user, and a start-up that never writes to the root filesystem, so the
# Deployment can mount it read-only.
#
# Build: docker build -t polaris-k8s-sync:latest .
# The Deno permissions are not written here: deploy/container_entrypoint.sh reads them from
# deploy/deno_permissions.txt, and tests/deploy/ runs that same script against a real API server.
ARG DENO_VERSION=2.9.6
FROM denoland/deno:${DENO_VERSION}

ENV DENO_DIR=/deno-dir \
    DENO_NO_UPDATE_CHECK=1 \
    DENO_NO_PROMPT=1 \
    NO_COLOR=1
WORKDIR /app

# Dependencies first: this layer is rebuilt only when the lockfile or the import map changes.
COPY deno.json deno.lock import_map.json ./
RUN deno install --frozen

COPY . .
# Everything main.ts imports, checked against deno.lock; then one run of the real entrypoint
# (with its permissions and --cached-only) proves nothing is missing.
RUN deno cache --frozen main.ts \
 && chmod 0755 deploy/container_entrypoint.sh \
 && deploy/container_entrypoint.sh --help >/dev/null

# The `deno` user of the base image. Kubernetes checks runAsNonRoot against a numeric user.
USER 1993:1993
EXPOSE 9090
ENTRYPOINT ["/app/deploy/container_entrypoint.sh"]
CMD ["--config", "/etc/polaris-k8s-sync/mesh.yaml", "--listen", "0.0.0.0:9090"]

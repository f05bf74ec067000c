# A stand-in for node:24-bookworm-slim, for builders that reach no image registry: the rootfs of
# rootfs.sh plus the Node binary and headers from the npm registry (package node-linux-<arch>),
# npm beside it, and the `node` user (uid/gid 1000), laid out as in the official image
# (/usr/local/bin/node, /usr/local/include/node, /usr/local/lib/node_modules/npm). build.sh
# prepares the context (node/ and npm/) and tags the result by a hash of its inputs.
ARG ROOTFS_IMAGE
FROM ${ROOTFS_IMAGE}
RUN groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node
COPY node/ /usr/local/
COPY npm/ /usr/local/lib/node_modules/npm/
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
  && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
  && node --version && npm --version
CMD ["node"]

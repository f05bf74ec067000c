# A stand-in for the official postgres image, for builders that reach no image registry:
# PostgreSQL 15 from Debian bookworm's packages on the rootfs of rootfs.sh, with the official
# image's contract as far as deployment/docker-compose.yml uses it: POSTGRES_USER,
# POSTGRES_PASSWORD and POSTGRES_DB on first start, data in PGDATA (/var/lib/postgresql/data),
# pg_isready on PATH, SIGINT to stop (fast shutdown), listening on every interface with
# scram-sha-256 for TCP clients.
ARG ROOTFS_IMAGE
FROM ${ROOTFS_IMAGE}
RUN mkdir -p /etc/postgresql-common \
  && echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.conf \
  && apt-get update \
  && apt-get install -y --no-install-recommends postgresql-15 \
  && rm -rf /var/lib/apt/lists/* \
  && install -d -o postgres -g postgres -m 0700 /var/lib/postgresql/data \
  && install -d -o postgres -g postgres -m 2775 /var/run/postgresql
ENV PATH=/usr/lib/postgresql/15/bin:$PATH \
  PGDATA=/var/lib/postgresql/data
COPY postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
USER postgres
STOPSIGNAL SIGINT
EXPOSE 5432
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["postgres"]

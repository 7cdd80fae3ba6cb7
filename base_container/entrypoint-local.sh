#!/bin/bash
# Container-specific start-up, run as root after the common set-up and before
# supervisord (skipped when SAFEMODE=True). Child images append lines, e.g.
#   RUN echo "touch /data/started" >> /entrypoint-local.sh
# or replace this file.

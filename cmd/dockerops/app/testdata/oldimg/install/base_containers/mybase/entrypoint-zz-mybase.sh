#!/bin/bash
# @RUN@ (made unique per test run, so no cached layer keeps an old time stamp)
# The common set-up has run (host key and /env.sh are there), supervisord not yet.
state=
[ -s /etc/ssh/ssh_host_ed25519_key ] && [ -s /env.sh ] && state=common
[ -e /var/run/supervisord.pid ] || state="$state,early"
echo "mybase $state" >>/data/startup.log

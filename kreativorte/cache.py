"""Django's Redis cache, except that an unreachable Redis is a cache miss, not a server error,
and that a Redis client is made once per connection pool instead of once per call.

A cache holds nothing that is not also in the database, so while Redis is away pages are built
fresh and writes to the cache are skipped (each logged as a warning): visitors and editors keep
working, only slower. /readyz still reports the cache as down.
"""

import functools
import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)


def tolerate_outage(fallback):
    """Answer ``fallback(*args)`` instead of raising when Redis cannot be reached."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args):
            try:
                return method(self, *args)
            except (RedisConnectionError, RedisTimeoutError) as error:
                logger.warning(
                    "cache unreachable (%s), %s skipped", type(error).__name__, method.__name__
                )
                return fallback(*args)

        return wrapper

    return decorate


def nothing(*args):
    return None


def false(*args):
    return False


class TolerantRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        """One client per connection pool, made once. Django makes a new one for every call,
        and making one (it fills its table of reply callbacks) costs more than the GET."""
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client

    add = tolerate_outage(false)(RedisCacheClient.add)
    get = tolerate_outage(lambda key, default: default)(RedisCacheClient.get)
    set = tolerate_outage(nothing)(RedisCacheClient.set)
    touch = tolerate_outage(false)(RedisCacheClient.touch)
    delete = tolerate_outage(false)(RedisCacheClient.delete)
    get_many = tolerate_outage(lambda keys: {})(RedisCacheClient.get_many)
    has_key = tolerate_outage(false)(RedisCacheClient.has_key)
    incr = tolerate_outage(nothing)(RedisCacheClient.incr)
    set_many = tolerate_outage(nothing)(RedisCacheClient.set_many)
    delete_many = tolerate_outage(nothing)(RedisCacheClient.delete_many)
    clear = tolerate_outage(false)(RedisCacheClient.clear)


class TolerantRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = TolerantRedisCacheClient

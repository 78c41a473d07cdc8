"""Demo mode's loopback-only middleware (`make run`): the demo answers this machine alone."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from core.middleware import LoopbackOnlyMiddleware


def respond(request):
    return HttpResponse("ok")


@pytest.mark.parametrize("address", ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"])
def test_D9_demo_mode_answers_the_loopback_address(address):
    request = RequestFactory().get("/portal/", REMOTE_ADDR=address)

    assert LoopbackOnlyMiddleware(respond)(request).content == b"ok"


@pytest.mark.parametrize("address", ["192.168.1.20", "10.0.0.5", "::ffff:10.0.0.5", "2001:db8::1", "", "unknown"])
def test_D9_demo_mode_refuses_any_other_address(address):
    request = RequestFactory().get("/portal/", REMOTE_ADDR=address)

    with pytest.raises(PermissionDenied) as refused:
        LoopbackOnlyMiddleware(respond)(request)
    assert "本机" in str(refused.value)

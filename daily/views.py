from django.http import HttpResponse


def leave_list(request):
    return HttpResponse()


def leave_create(request):
    return HttpResponse()


def leave_detail(request, pk):
    return HttpResponse()

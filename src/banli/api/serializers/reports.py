"""The report endpoints' answers that have a fixed shape: the dossier export's request and its
job's status. (The figures are the report service's own dict, the same the page renders.)"""

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

DossierExportRequest = inline_serializer("DossierExportRequest", {"session": serializers.IntegerField(help_text="会次编号")})

JobStatus = inline_serializer("ReportJobStatus", {
    "id": serializers.IntegerField(), "state": serializers.CharField(), "state_label": serializers.CharField(),
    "done": serializers.IntegerField(), "total": serializers.IntegerField(), "percent": serializers.IntegerField(),
    "stalled": serializers.BooleanField(), "error": serializers.CharField(),
    "download": serializers.CharField(allow_null=True, help_text="生成完毕后的下载地址（网页登录后下载）"),
})

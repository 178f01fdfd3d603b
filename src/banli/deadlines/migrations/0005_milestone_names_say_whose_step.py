"""The feedback milestone is named for what it waits on, the proposer's rating of the reply
(评价答复), not 委员反馈, which the unit's progress report (反馈进展) was also read as. Labels
only: the stored values stay."""

from django.db import migrations, models

CHOICES = [("cosign", "联名确认"), ("register", "立案审查"), ("sign", "签收"), ("adjust_decision", "调整决定"), ("consult", "首次面商"),
           ("co_opinion", "会办意见"), ("reply", "答复"), ("second_reply", "重新办理答复"), ("feedback", "评价答复"), ("progress", "办理进展"),
           ("publication", "公开决定"), ("message", "回复留言"), ("question", "有问必答")]


class Migration(migrations.Migration):

    dependencies = [
        ("deadlines", "0004_calendar_moved_to_workdays"),
    ]

    operations = [
        migrations.AlterField(model_name="deadline", name="kind", field=models.CharField(choices=CHOICES, max_length=20, verbose_name="环节")),
        migrations.AlterField(model_name="overdueevent", name="kind", field=models.CharField(choices=CHOICES, max_length=20, verbose_name="超期类型")),
    ]

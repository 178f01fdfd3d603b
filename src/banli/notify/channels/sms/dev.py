"""The development gateway: sends nothing. The outbox row is marked sent with via="outbox", so a
demo or a laptop shows exactly which text would have gone to which number."""

import logging

log = logging.getLogger("banli.notify.sms")


class OutboxGateway:
    name = "outbox"

    def send(self, message) -> str:
        log.info("SMS (not sent, development backend) to %s: %s", message.address, message.text)
        return self.name

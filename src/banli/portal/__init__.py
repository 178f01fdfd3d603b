"""The public portal (办理结果公开, DOMAIN §8): published items and replies, for anyone, no login."""

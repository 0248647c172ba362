/// Wire protocol.

from tests.support.memory_services import services, store, workspace

__all__ = ["services", "store", "workspace"]

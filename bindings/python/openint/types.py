"""The models under the official SDK's module name, so ``from openint.types import ...`` works."""

from ._models import BaseModel, Connector, Integration, ListConnectorsResponse, Schemas, Scope

__all__ = ["BaseModel", "Connector", "Integration", "ListConnectorsResponse", "Schemas", "Scope"]

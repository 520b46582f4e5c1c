"""Import every table module so ``Base.metadata`` knows the whole schema.

Feature packages add their ``models`` module here.
"""

from civharm.casualties import models as casualties_models
from civharm.db.base import Base
from civharm.incidents import models as incidents_models
from civharm.linkage import models as linkage_models
from civharm.reports import models as reports_models

metadata = Base.metadata

__all__ = ["casualties_models", "incidents_models", "linkage_models", "metadata", "reports_models"]

"""Import every table module so ``Base.metadata`` knows the whole schema.

Feature packages add their ``models`` module here.
"""

from civharm.areas import models as areas_models
from civharm.assessments import models as assessments_models
from civharm.casualties import models as casualties_models
from civharm.db.base import Base
from civharm.exchange import models as exchange_models
from civharm.history import models as history_models
from civharm.incidents import models as incidents_models
from civharm.lessons import models as lessons_models
from civharm.linkage import models as linkage_models
from civharm.qualitative import models as qualitative_models
from civharm.reports import models as reports_models
from civharm.responses import models as responses_models
from civharm.security import models as security_models
from civharm.sites import models as sites_models
from civharm.survivors import models as survivors_models
from civharm.topics import models as topics_models

metadata = Base.metadata

__all__ = [
    "areas_models",
    "assessments_models",
    "casualties_models",
    "exchange_models",
    "history_models",
    "incidents_models",
    "lessons_models",
    "linkage_models",
    "metadata",
    "qualitative_models",
    "reports_models",
    "responses_models",
    "security_models",
    "sites_models",
    "survivors_models",
    "topics_models",
]

-- One row per feature row, with a label computed in SQL.
select A, B, C, case when A + B > 0 then 1 else 0 end as LABEL
from {{ source('registry', 'FEATURES') }}

{{ config(materialized='view') }}
-- A view over the seed.
select ID, upper(NAME) as NAME from {{ ref('people') }}

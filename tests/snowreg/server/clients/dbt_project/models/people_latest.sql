{{ config(materialized='incremental', unique_key='ID') }}
-- Incremental: a later run merges the seed's new rows (through a temporary view and MERGE).
select ID, NAME from {{ ref('people') }}
{% if is_incremental() %}
where ID > (select coalesce(max(ID), 0) from {{ this }})
{% endif %}

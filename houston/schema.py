"""The GraphQL schema: each app's queries and mutations, combined."""

import graphene

from accounts.graphql.mutations import AccountMutations
from accounts.graphql.queries import AccountQueries
from clickstream.graphql.mutations import ClickstreamMutations
from clickstream.graphql.queries import ClickstreamQueries
from houston.graphql.limits import annotate_string_limits
from organizations.graphql.mutations import OrganizationMutations
from organizations.graphql.queries import OrganizationQueries


class Query(
    AccountQueries, OrganizationQueries, ClickstreamQueries, graphene.ObjectType
):
    """Reads. Each returns what the caller may see and nothing else."""


class Mutation(
    AccountMutations, OrganizationMutations, ClickstreamMutations, graphene.ObjectType
):
    """Writes. Each returns a status payload with `success` and `code`."""


schema = graphene.Schema(query=Query, mutation=Mutation)
annotate_string_limits(schema.graphql_schema)

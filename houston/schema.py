"""The GraphQL schema: each app's queries and mutations, combined."""

import graphene

from accounts.graphql.mutations import AccountMutations
from accounts.graphql.queries import AccountQueries
from clickstream.graphql.mutations import ClickstreamMutations
from clickstream.graphql.queries import ClickstreamQueries
from organizations.graphql.mutations import OrganizationMutations
from organizations.graphql.queries import OrganizationQueries


class Query(
    AccountQueries, OrganizationQueries, ClickstreamQueries, graphene.ObjectType
):
    pass


class Mutation(
    AccountMutations, OrganizationMutations, ClickstreamMutations, graphene.ObjectType
):
    pass


schema = graphene.Schema(query=Query, mutation=Mutation)
